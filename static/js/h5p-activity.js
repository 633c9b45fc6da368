/* Lesson page side of an H5P activity (lms/h5p/templates/h5p/blocks/activity.html).
 * Listens for statements from the block's own player frame (checked by origin and
 * by source window), posts them with the activity token to the server, and shows
 * the server's verdict: the server's score, never the browser's. */
(function () {
  "use strict";
  if (window.shouwangH5PActivity) {
    return; // the block template includes this script once per activity
  }
  window.shouwangH5PActivity = true;

  function setup(root) {
    var frame = root.querySelector("iframe");
    var status = root.querySelector("[data-h5p-status]");
    var contentOrigin = root.getAttribute("data-content-origin");
    var endpoint = root.getAttribute("data-endpoint");
    var token = root.getAttribute("data-token");
    var csrf = root.getAttribute("data-csrf");
    var failed = root.getAttribute("data-failed-text");

    function show(text, state) {
      if (status && text) {
        status.textContent = text;
        status.setAttribute("data-state", state || "");
      }
    }

    window.addEventListener("message", function (event) {
      if (event.origin !== contentOrigin || !frame) {
        return;
      }
      if (event.source !== frame.contentWindow) {
        return; // another activity's frame on the same page
      }
      var data = event.data || {};
      if (data.type === "shouwang.h5p.resize" && data.height > 0) {
        frame.style.height = Math.min(data.height, 4000) + "px";
        frame.classList.add("h5p-activity__frame--sized");
        return;
      }
      if (data.type !== "shouwang.h5p.xapi" || !data.statement) {
        return;
      }
      fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ token: token, statement: data.statement })
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (verdict) {
          if (verdict.outcome === "scored") {
            show(verdict.message, verdict.passed ? "passed" : "failed");
            if (verdict.passed) {
              // The lesson page's progress panel updates itself
              // (static/js/lesson-progress.js).
              document.dispatchEvent(
                new CustomEvent("shouwang:activity-passed", { detail: verdict })
              );
            }
          } else if (verdict.outcome === "refused") {
            show(verdict.message, "refused");
          }
        })
        .catch(function () {
          show(failed, "refused");
        });
    });
  }

  function start() {
    var roots = document.querySelectorAll("[data-h5p-activity]");
    for (var i = 0; i < roots.length; i++) {
      setup(roots[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
