/* A button marked data-print prints the page (the certificate). A file, not an
   onclick attribute: the Content-Security-Policy runs no inline script. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
