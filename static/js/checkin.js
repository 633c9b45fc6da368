/* Check-in page: posts the check-in by itself (the button does the same without
 * JavaScript). Location is sent only if the trainee said yes on an earlier check-in
 * (the choice is kept on this phone; the result page lets them change it). */
(function () {
  "use strict";
  var KEY = "shouwang:share-location";
  var choice = document.querySelector("[data-location-choice]");
  if (choice) {
    /* Result page: remember the answer for the next scan. */
    choice.checked = window.localStorage.getItem(KEY) === "yes";
    choice.addEventListener("change", function () {
      window.localStorage.setItem(KEY, choice.checked ? "yes" : "no");
    });
  }
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var sent = false;

  function send() {
    if (sent) return;
    sent = true;
    form.submit();
  }

  form.addEventListener("submit", function () { sent = true; });
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
