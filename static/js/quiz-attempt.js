/* Attempt page: save each answer as it is given, survive a dropped connection,
 * count down the time the server gave. Written in ES5 with XMLHttpRequest for the
 * old Android WebViews inside WeChat. Without JavaScript the form still works: it
 * posts every answer when handed in. */
(function () {
  "use strict";
  var done = document.querySelector("[data-attempt-closed]");
  if (done) {
    /* The result page: whatever this phone kept for the attempt is now moot. */
    try {
      window.localStorage.removeItem("shouwang:attempt:" + done.getAttribute("data-attempt-closed"));
    } catch (e) { /* storage unavailable */ }
    return;
  }
  var form = document.getElementById("attempt");
  if (!form) return;

  var answerUrl = form.getAttribute("data-answer-url");
  var storeKey = "shouwang:attempt:" + form.getAttribute("data-attempt");
  var total = parseInt(form.getAttribute("data-total"), 10) || 0;
  var statusEl = form.querySelector("[data-save-status]");
  var answeredEl = form.querySelector("[data-answered]");
  var countdownEl = form.querySelector("[data-countdown]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var pending = load();
  var sending = false;
  var closed = false;
  var retryTimer = null;

  function text(name) {
    return form.getAttribute("data-text-" + name) || "";
  }

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function store() {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(pending));
    } catch (e) {
      /* private mode: answers are still sent, just not kept across reloads */
    }
  }

  function say(message, state) {
    if (!statusEl) return;
    statusEl.textContent = message;
    statusEl.setAttribute("data-state", state);
  }

  function choicesOf(fieldset) {
    var inputs = fieldset.querySelectorAll("input");
    var chosen = [];
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) chosen.push(parseInt(inputs[i].value, 10));
    }
    return chosen;
  }

  function countAnswered() {
    var sets = form.querySelectorAll("fieldset[data-position]");
    var n = 0;
    for (var i = 0; i < sets.length; i++) {
      if (choicesOf(sets[i]).length) n++;
    }
    if (answeredEl) answeredEl.textContent = n;
    return n;
  }

  function showResult() {
    closed = true;
    window.location.reload();
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, 5000);
  }

  /* Send the oldest pending answer, then the next; stop at the first failure. */
  function flush() {
    if (sending || closed) return;
    var positions = Object.keys(pending);
    if (!positions.length) {
      say(text("saved"), "saved");
      return;
    }
    sending = true;
    say(text("saving"), "saving");
    var position = positions[0];
    var choices = pending[position];
    var xhr = new XMLHttpRequest();
    xhr.open("POST", answerUrl, true);
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.timeout = 15000;
    xhr.onload = function () {
      sending = false;
      if (xhr.status === 200 || xhr.status === 400) {
        /* 400: the server refused this answer (it cannot be right); drop it */
        if (JSON.stringify(pending[position]) === JSON.stringify(choices)) {
          delete pending[position];
          store();
        }
        flush();
      } else if (xhr.status === 409) {
        say(text("closed"), "closed");
        showResult();
      } else {
        say(text("offline"), "offline");
        scheduleRetry();
      }
    };
    xhr.onerror = xhr.ontimeout = function () {
      sending = false;
      say(text("offline"), "offline");
      scheduleRetry();
    };
    xhr.send(JSON.stringify({ position: parseInt(position, 10), choices: choices }));
  }

  /* Answers kept on this phone are newer than the page the server rendered. */
  function restore() {
    Object.keys(pending).forEach(function (position) {
      var fieldset = document.getElementById("q" + position);
      if (!fieldset) return;
      var inputs = fieldset.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].checked = pending[position].indexOf(parseInt(inputs[i].value, 10)) !== -1;
      }
    });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest ? event.target.closest("fieldset[data-position]") : null;
    if (!fieldset) return;
    pending[fieldset.getAttribute("data-position")] = choicesOf(fieldset);
    store();
    countAnswered();
    flush();
  });

  window.addEventListener("online", flush);

  form.addEventListener("submit", function (event) {
    if (closed) return;
    if (navigator.onLine === false) {
      event.preventDefault();
      say(text("cannot-submit"), "offline");
      return;
    }
    if (!form.hasAttribute("data-auto-submit") && countAnswered() < total &&
        !window.confirm(text("unanswered"))) {
      event.preventDefault();
      return;
    }
    /* The form carries every answer; the result page clears what was kept. */
  });

  if (countdownEl && form.hasAttribute("data-seconds-left")) {
    var deadline = Date.now() + parseInt(form.getAttribute("data-seconds-left"), 10) * 1000;
    /* The elders' version (长辈版) shows whole minutes, so the number changes once
     * a minute rather than every second: nothing on its pages moves by itself. */
    var elder = document.documentElement.className.indexOf("elder") !== -1;
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      var shown = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (elder) {
        shown = left > 60 ? text("minutes").replace("#", Math.ceil(left / 60)) :
          text("under-a-minute");
      }
      if (countdownEl.textContent !== shown) countdownEl.textContent = shown;
      if (left <= 60) countdownEl.setAttribute("data-urgent", "true");
      if (left === 0) {
        /* The server closes the attempt at its own deadline; hand in what we have. */
        form.setAttribute("data-auto-submit", "true");
        if (navigator.onLine !== false) form.submit();
        return;
      }
      window.setTimeout(tick, 1000);
    };
    tick();
  }

  restore();
  countAnswered();
  flush();
})();
