/* Check-in page: posts the check-in by itself and shows the answer in place (the
 * button does the same, and without JavaScript it posts the form as a page).
 * Over a weak signal a failed post is retried, and so is a server that answers
 * 500, 502, 503 or 504 (a restarting app server, a database that is down): the
 * signed scan time in the form is sent again unchanged and keeps the scan valid for
 * 15 minutes. The texts come from the template's data attributes (translated).
 * Location is sent only if the trainee said yes on an earlier check-in (the choice
 * is kept on this phone; the result card lets them change it). */
(function () {
  "use strict";
  var KEY = "shouwang:share-location";
  var RETRY_MS = [2000, 4000, 8000, 15000];
  var RETRY_STATUSES = [500, 502, 503, 504];
  /* A server's Retry-After is honoured up to this; every wait is spread by up to
   * +/-30 % so that a thousand phones do not return to a recovering server in
   * step. After the stamp's 15 minutes a retry cannot count: stop, and post the
   * form as a page so that the trainee reads the server's own answer. */
  var MAX_WAIT_MS = 30000;
  var GIVE_UP_MS = 15 * 60 * 1000;
  var started = Date.now();

  function bindChoice(root) {
    var choice = root.querySelector("[data-location-choice]");
    if (!choice) return;
    choice.checked = window.localStorage.getItem(KEY) === "yes";
    choice.addEventListener("change", function () {
      window.localStorage.setItem(KEY, choice.checked ? "yes" : "no");
    });
  }

  bindChoice(document);
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var card = form.closest(".card");
  var status = card.querySelector("[data-checkin-status]");
  var button = form.querySelector("button[type=submit]");
  var busy = false;
  var done = false;
  var tries = 0;
  var timer = null;

  function encoded() {
    var parts = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || (field.type === "checkbox" && !field.checked)) continue;
      parts.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value));
    }
    return parts.join("&");
  }

  function show(text) {
    status.textContent = text;
    status.hidden = !text;
  }

  function answered(data) {
    done = true;
    var holder = document.createElement("div");
    holder.innerHTML = data.html;
    var result = holder.firstElementChild;
    card.parentNode.replaceChild(result, card);
    bindChoice(result);
  }

  /* Try again later; ``text`` names the status text's data attribute. */
  function failed(text, response) {
    busy = false;
    button.disabled = false;
    if (Date.now() - started > GIVE_UP_MS) {
      done = true;
      form.submit();
      return;
    }
    show(status.getAttribute(text));
    var wait = RETRY_MS[Math.min(tries, RETRY_MS.length - 1)];
    var asked = response && parseInt(response.headers.get("Retry-After"), 10);
    if (asked > 0) wait = Math.min(Math.max(wait, asked * 1000), MAX_WAIT_MS);
    wait = Math.round(wait * (0.7 + 0.6 * Math.random()));
    tries += 1;
    timer = window.setTimeout(send, wait);
  }

  function send() {
    if (busy || done) return;
    if (!window.fetch) {
      done = true;
      form.submit();
      return;
    }
    window.clearTimeout(timer);
    busy = true;
    button.disabled = true;
    if (tries) show(status.getAttribute("data-sending-text"));
    window.fetch(form.action || window.location.href, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded"
      },
      body: encoded()
    }).then(function (response) {
      if (RETRY_STATUSES.indexOf(response.status) !== -1) {
        failed("data-retry-text", response);
        return null;
      }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        /* Not a check-in answer (an expired session, a server error page):
         * post the form as a page so the trainee sees what the server says. */
        done = true;
        form.submit();
        return null;
      }
      return response.json().then(answered);
    }).catch(function () {
      failed("data-offline-text");
    });
  }

  form.addEventListener("submit", function (event) {
    if (done) return;
    event.preventDefault();
    send();
  });
  if (window.localStorage.getItem(KEY) === "yes" && navigator.geolocation) {
    form.elements.consent.checked = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.latitude.value = position.coords.latitude.toFixed(3);
        form.elements.longitude.value = position.coords.longitude.toFixed(3);
        send();
      },
      send,
      { enableHighAccuracy: false, timeout: 5000, maximumAge: 600000 }
    );
  } else {
    window.setTimeout(send, 300);
  }
})();
