/* Station scanner (/certs/scan/): scan a certificate's QR code (a /v/<code> link)
 * or a trainee's badge (SWB1:...), or type a code, and show that person's current
 * and recent qualifications with their verdicts. The camera and decoding come from
 * window.ShouwangQrCamera (drill-scanner.js, jsQR).
 * Plain ES5 with XMLHttpRequest for the old Android WebViews inside WeChat. */
(function () {
  "use strict";
  var root = document.querySelector("[data-cert-scanner]");
  if (!root) return;

  var SAME_TEXT_MS = 6000;
  var lookupUrl = root.getAttribute("data-lookup-url");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var statusEl = root.querySelector("[data-status]");
  var resultEl = root.querySelector("[data-result]");
  var missingEl = root.querySelector("[data-missing]");
  var scannedEl = root.querySelector("[data-scanned]");
  var photoEl = root.querySelector("[data-photo]");
  var nameEl = root.querySelector("[data-name]");
  var orgEl = root.querySelector("[data-organisation]");
  var recordsEl = root.querySelector("[data-records]");
  var typeForm = root.querySelector("[data-type-form]");
  var typeInput = root.querySelector("[data-type-code]");
  var busy = false;
  var last = { text: "", at: 0 };

  function text(key) {
    return root.getAttribute("data-text-" + key) || "";
  }

  function say(key) {
    statusEl.textContent = text(key);
    root.setAttribute("data-state", key);
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function element(tag, className, content) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (content) el.textContent = content;
    return el;
  }

  function verdictBadge(row) {
    var badge = element("span", "verdict-badge verdict-badge--" + row.verdict, row.verdict_label);
    badge.setAttribute("data-verdict", row.verdict);
    badge.style.backgroundColor = row.colour;
    return badge;
  }

  /* The serial opens the record page; a station officer's 暂停/恢复 is a big
   * button beside it that opens the page at that form, reason focused. */
  function recordLinks(row, openLabel) {
    var links = element("p", "cert-scan__links");
    var open = element("a", "button button--secondary cert-scan__open", openLabel);
    open.href = row.url;
    open.setAttribute("data-record-link", row.serial);
    links.appendChild(open);
    if (row.action) {
      var act = element("a", "button button--danger cert-scan__act", row.action.label);
      if (row.action.name === "reinstate") act.className = "button button--primary cert-scan__act";
      act.href = row.action.url;
      act.setAttribute("data-record-action", row.action.name);
      links.appendChild(act);
    }
    return links;
  }

  function showRecords(data) {
    missingEl.hidden = true;
    resultEl.hidden = false;
    nameEl.textContent = data.person.name;
    orgEl.textContent = data.person.organisation;
    if (data.person.photo_url) {
      photoEl.src = data.person.photo_url;
      photoEl.hidden = false;
    } else {
      photoEl.removeAttribute("src");
      photoEl.hidden = true;
    }
    clear(scannedEl);
    if (data.scanned) {
      scannedEl.appendChild(element("span", "", text("scanned") + " " + data.scanned.serial + " "));
      scannedEl.appendChild(verdictBadge(data.scanned));
      scannedEl.setAttribute("data-scanned", data.scanned.verdict);
      scannedEl.hidden = false;
    } else {
      scannedEl.setAttribute("data-scanned", "");
      scannedEl.hidden = true;
    }
    clear(recordsEl);
    if (!data.records.length) {
      recordsEl.appendChild(element("li", "empty", data.empty));
    }
    for (var i = 0; i < data.records.length; i++) {
      var row = data.records[i];
      var li = element("li", "cert-scan__record");
      li.setAttribute("data-serial", row.serial);
      li.setAttribute("data-verdict", row.verdict);
      li.style.borderLeftColor = row.colour;
      li.appendChild(verdictBadge(row));
      li.appendChild(element("strong", "cert-scan__qualification", row.qualification));
      li.appendChild(element("span", "muted",
        text("serial") + " " + row.serial + " · " + text("valid-until") + " " +
        (row.valid_until || text("no-end"))));
      li.appendChild(recordLinks(row, data.open));
      recordsEl.appendChild(li);
    }
  }

  function showMissing(message) {
    resultEl.hidden = true;
    missingEl.textContent = message;
    missingEl.hidden = false;
  }

  function lookup(scanned) {
    if (busy) return;
    busy = true;
    say("looking");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", lookupUrl, true);
    xhr.setRequestHeader("Content-Type", "text/plain; charset=utf-8");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      busy = false;
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      /* Signed out: the XHR followed the redirect to the sign-in page. */
      var signedOut = xhr.status === 401 || xhr.status === 403 ||
        (xhr.responseURL && xhr.responseURL.indexOf("/login") !== -1);
      if (signedOut) {
        say("signed-out");
      } else if (xhr.status === 200 && data) {
        if (data.found) {
          showRecords(data);
          say("found");
        } else {
          showMissing(data.message);
          say("scanning");
        }
      } else {
        say("failed");
      }
    };
    xhr.send(scanned);
  }

  typeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = typeInput.value.replace(/^\s+|\s+$/g, "");
    if (value) lookup(value);
  });

  if (!window.ShouwangQrCamera) {
    say("unsupported");
    return;
  }
  say("starting");
  var video = root.querySelector("video");
  window.ShouwangQrCamera.start({
    video: video,
    onCode: function (scanned) {
      var now = new Date().getTime();
      /* The camera sees the same code many times a second: look it up once. */
      if (scanned === last.text && now - last.at < SAME_TEXT_MS) return;
      if (busy) return;
      last = { text: scanned, at: now };
      lookup(scanned);
    },
    onError: function (kind) { say(kind); }
  });
  video.addEventListener("playing", function () {
    if (root.getAttribute("data-state") === "starting") say("scanning");
  });
})();
