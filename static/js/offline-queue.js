/* Lesson completions made without a network wait on the phone and are sent
 * once it is back (docs/offline.md). The same pattern as the quiz's answers
 * (static/js/quiz-attempt.js): kept in localStorage, sent oldest first on the
 * "online" event, on every page that loads this script and every 15 s while
 * something waits; each is removed once the server has answered for it, so it
 * is sent once. The server decides whether the lesson may be completed, as for
 * a completion made online.
 *
 * On the lesson page the "complete" form is posted here rather than by the
 * browser, so that a dropped connection keeps the completion instead of
 * showing the browser's error page; without JavaScript the form posts itself. */
(function () {
  "use strict";
  var KEY = "shouwang:completions";
  var COMPLETE = /^\/learn\/lessons\/(\d+)\/complete\/$/;
  var sending = false;
  var retry = null;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function store(queue) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(queue));
    } catch (e) { /* private mode: sent now or lost with the page */ }
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return match ? decodeURIComponent(match[1]) : field ? field.value : "";
  }

  function say(kind) {
    var panel = document.querySelector("[data-offline-completion]");
    if (!panel) return;
    panel.textContent = panel.getAttribute("data-text-" + kind) || "";
    panel.setAttribute("data-state", kind);
    panel.hidden = false;
  }

  function post(url) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual"
    });
  }

  function later() {
    if (retry) return;
    retry = window.setTimeout(function () {
      retry = null;
      flush();
    }, 15000);
  }

  /* Send the oldest waiting completion, then the next; stop at the first
   * failure of the network (or of the server: 5xx), and try again later. Not
   * while the browser says it is offline: the "online" event sends them. */
  function flush() {
    if (sending || navigator.onLine === false) return;
    var queue = load();
    var ids = Object.keys(queue).sort(function (a, b) { return queue[a].at - queue[b].at; });
    if (!ids.length) return;
    sending = true;
    var id = ids[0];
    post(queue[id].url).then(function (response) {
      sending = false;
      // The view answers with a redirect back to the lesson (opaque here); a
      // 4xx will never succeed (no longer open, not a trainee): either way the
      // server has answered for it.
      if (response.type === "opaqueredirect" || response.status < 500) {
        var now = load();
        delete now[id];
        store(now);
        if (String(id) === String(document.body.getAttribute("data-offline-lesson"))) say("sent");
        flush();
      } else {
        later();
      }
    }, function () {
      sending = false;
      later();
    });
  }

  function queueCompletion(form, id) {
    var queue = load();
    queue[id] = { url: form.getAttribute("action"), at: Date.now() };
    store(queue);
    document.body.setAttribute("data-offline-lesson", id);
    form.hidden = true;
    say("queued");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var path = form.getAttribute && form.getAttribute("action");
    var match = path && path.match(COMPLETE);
    if (!match) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    if (navigator.onLine === false) {
      queueCompletion(form, match[1]);
      return;
    }
    post(path).then(function (response) {
      if (response.type === "opaqueredirect" || response.ok) {
        // As the form would have: the lesson, showing that it is done.
        window.location.assign(window.location.pathname + "#lesson-done");
        window.location.reload();
      } else {
        form.submit();  // the server's own answer (its message) as without us
      }
    }, function () {
      queueCompletion(form, match[1]);
      flush();
    });
  });

  window.addEventListener("online", flush);
  flush();
})();
