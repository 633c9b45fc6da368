/* Instructor dashboard: refreshes the big numbers from the drill's attendance feed
 * every 5 s, and reloads the flagged and missing lists (rendered by the server,
 * with their forms) when their counts change, unless the instructor is typing in
 * one of them. Asks for confirmation before closing check-in. */
(function () {
  "use strict";
  var root = document.querySelector("[data-attendance-url]");
  if (!root) return;
  var url = root.getAttribute("data-attendance-url");
  var listsUrl = root.getAttribute("data-lists-url");
  var lists = root.querySelector("[data-lists]");
  var status = root.querySelector("[data-status]");
  var counts = root.querySelectorAll("[data-count]");

  function busy() {
    var inputs = lists.querySelectorAll("input[type=text]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value || inputs[i] === document.activeElement) return true;
    }
    return false;
  }

  function shownCount(attribute) {
    var node = lists.querySelector("[" + attribute + "]");
    return node ? parseInt(node.getAttribute(attribute), 10) : -1;
  }

  function reloadLists() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", listsUrl, true);
    xhr.onload = function () {
      if (xhr.status === 200 && !busy()) lists.innerHTML = xhr.responseText;
    };
    xhr.send();
  }

  function load() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url, true);
    xhr.timeout = 8000;
    xhr.onload = function () {
      if (xhr.status !== 200) {
        status.textContent = root.getAttribute("data-offline-text");
        return;
      }
      var data = JSON.parse(xhr.responseText);
      // The figures that add up (walk-ins apart) first; the rest (flagged) from
      // the feed itself.
      var figures = data.figures || {};
      for (var i = 0; i < counts.length; i++) {
        var name = counts[i].getAttribute("data-count");
        var value = name in figures ? figures[name] : data[name];
        if (value !== undefined) counts[i].textContent = value;
      }
      status.textContent = "";
      if (
        (data.flagged !== shownCount("data-flagged-count") ||
          data.missing !== shownCount("data-missing-count")) &&
        !busy()
      ) {
        reloadLists();
      }
    };
    xhr.onerror = xhr.ontimeout = function () {
      status.textContent = root.getAttribute("data-offline-text");
    };
    xhr.send();
  }

  var closeForm = root.querySelector("form[data-confirm]");
  if (closeForm) {
    closeForm.addEventListener("submit", function (event) {
      if (!window.confirm(closeForm.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  }
  load();
  window.setInterval(load, 5000);
})();
