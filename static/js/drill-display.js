/* Drill display: shows the server's current check-in QR code and text code. The
 * server decides which window is current (its clock, not this computer's); the page
 * asks again when the window ends and every few seconds, so a refreshed or second
 * display always shows the same valid code. */
(function () {
  "use strict";
  var root = document.querySelector("[data-token-url]");
  if (!root) return;
  var url = root.getAttribute("data-token-url");
  var qr = root.querySelector("[data-qr]");
  var code = root.querySelector("[data-code]");
  var status = root.querySelector("[data-status]");
  var timer = null;

  function later(seconds) {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, Math.max(1, Math.min(seconds, 5)) * 1000);
  }

  function load() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, true);
    xhr.timeout = 8000;
    xhr.onload = function () {
      if (xhr.status !== 200) {
        status.textContent = root.getAttribute("data-offline-text");
        later(3);
        return;
      }
      var data = JSON.parse(xhr.responseText);
      if (root.getAttribute("data-token") !== data.token) {
        qr.innerHTML = data.svg; /* SVG made by the server from its own QR library */
        code.textContent = data.code;
        root.setAttribute("data-token", data.token);
      }
      status.textContent = data.open ? "" : root.getAttribute("data-closed-text");
      root.setAttribute("data-open", data.open ? "true" : "false");
      later(data.seconds_left + 0.2);
    };
    xhr.onerror = xhr.ontimeout = function () {
      status.textContent = root.getAttribute("data-offline-text");
      later(3);
    };
    xhr.send();
  }
  load();
})();
