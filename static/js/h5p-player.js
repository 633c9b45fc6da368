/* Runs in the H5P player page, on the content origin (lms/h5p/views.py).
 * Starts the vendored h5p-standalone player and forwards the xAPI statements that
 * can carry a score to the lesson page, and only to the lesson page's origin.
 * The lesson page posts them to the server, which decides what they are worth. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var SCORED_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": true,
    "http://adlnet.gov/expapi/verbs/completed": true
  };
  var lastHeight = 0;

  function post(message) {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage(message, config.parentOrigin);
    }
  }

  function reportHeight() {
    var height = document.documentElement.scrollHeight;
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "shouwang.h5p.resize", height: height });
    }
  }

  var options = {
    h5pJsonPath: config.h5pJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    customCss: config.customCss,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    fullScreen: true
  };
  if (config.xAPIObjectIRI) {
    options.xAPIObjectIRI = config.xAPIObjectIRI;
  }

  /* H5P draws some content in a frame of its own (about:blank, no title):
   * name it, and its document, after this page, so a screen reader can too. */
  function nameContentFrames() {
    var frames = document.querySelectorAll("iframe.h5p-iframe");
    for (var i = 0; i < frames.length; i++) {
      frames[i].title = document.title;
      try {
        frames[i].contentDocument.title = document.title;
      } catch (error) {
        /* not ours to name */
      }
    }
  }

  new H5PStandalone.H5P(document.getElementById("h5p-container"), options).then(
    function () {
      nameContentFrames();
      H5P.externalDispatcher.on("xAPI", function (event) {
        var statement = event && event.data && event.data.statement;
        if (!statement || !statement.verb || !SCORED_VERBS[statement.verb.id]) {
          return;
        }
        post({ type: "shouwang.h5p.xapi", statement: statement });
      });
      reportHeight();
    }
  );
  // Old Android WebViews lack ResizeObserver: polling once a second is enough.
  window.setInterval(reportHeight, 1000);
})();
