/* The lesson page's progress panel (courses/includes/lesson_progress.html) brought
 * up to date as soon as an activity in the lesson is passed: the server has then
 * completed the lesson (and perhaps the course), and the trainee should see that,
 * what it earned and the next lesson without reloading the page. Activities say
 * they were passed with a "shouwang:activity-passed" event on the document (the
 * H5P block's script sends it with the server's verdict). */
(function () {
  "use strict";

  function refresh() {
    var panel = document.getElementById("lesson-progress");
    var url = panel && panel.getAttribute("data-lesson-progress");
    if (!url) {
      return;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#lesson-progress");
        var current = document.getElementById("lesson-progress");
        if (fresh && current) {
          // No scrolling: the panel's buttons stick to the bottom of the screen,
          // so "next lesson" shows at once where the thumb is, and the card of
          // what was earned sits just under the exercise.
          current.parentNode.replaceChild(fresh, current);
        }
      })
      .catch(function () {
        // Offline for a moment: the panel stays as it was; a reload shows it.
      });
  }

  document.addEventListener("shouwang:activity-passed", refresh);
})();
