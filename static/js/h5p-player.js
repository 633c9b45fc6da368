/* Runs in the H5P player page, on the content origin (lms/h5p/views.py).
 * Starts the vendored h5p-standalone player and forwards the xAPI statements that
 * can carry a score to the lesson page, and only to the lesson page's origin.
 * The lesson page posts them to the server, which decides what they are worth.
 *
 * It also keeps the lesson page's frame as tall as the activity. H5P sizes its
 * own inner frame (.h5p-iframe) from messages its content sends once started;
 * should that ever not happen (content that fails to start, an old browser),
 * the inner frame, which is on this same origin, is measured here and grown to
 * fit, so no button is ever cut off. Storage plays no part in any of it
 * (h5p-storage.js explains why that matters). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var container = document.getElementById("h5p-container");
  var SCORED_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered": true,
    "http://adlnet.gov/expapi/verbs/completed": true
  };
  var lastHeight = 0;
  var observed = [];

  function post(message) {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage(message, config.parentOrigin);
    }
  }

  function observe(element) {
    if (window.ResizeObserver && element && observed.indexOf(element) < 0) {
      observed.push(element);
      new ResizeObserver(fit).observe(element);
    }
  }

  function growInnerFrames() {
    var frames = container.querySelectorAll("iframe.h5p-iframe");
    for (var i = 0; i < frames.length; i++) {
      var doc = null;
      try {
        doc = frames[i].contentDocument;
      } catch (error) {
        doc = null;
      }
      if (!doc || !doc.body) {
        continue;
      }
      observe(doc.body);
      // scrollHeight above the frame's own height: the content is cut off.
      var needed = doc.documentElement.scrollHeight;
      if (needed > frames[i].clientHeight + 1) {
        frames[i].style.height = needed + "px";
      }
    }
  }

  function fit() {
    growInnerFrames();
    // The activity's own height, not the page's (which is never less than the
    // frame it is shown in), so that the frame can shrink as well as grow.
    var height = Math.ceil(container.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) {
      lastHeight = height;
      post({ type: "shouwang.h5p.resize", height: height });
    }
  }

  var options = {
    h5pJsonPath: config.h5pJsonPath,
    // The libraries as one script and one style sheet (lms/h5p/light.py).
    librariesPath: config.librariesPath,
    contentJsonPath: config.contentJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    fullScreen: true
    // Ours for the frame the content runs in (in-memory storage, styles) are
    // at the end of the light bundle's script and style sheet.
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

  new H5PStandalone.H5P(container, options).then(
    function () {
      nameContentFrames();
      H5P.externalDispatcher.on("xAPI", function (event) {
        var statement = event && event.data && event.data.statement;
        if (!statement || !statement.verb || !SCORED_VERBS[statement.verb.id]) {
          return;
        }
        post({ type: "shouwang.h5p.xapi", statement: statement });
      });
      fit();
    }
  );
  observe(container);
  // Old Android WebViews lack ResizeObserver: polling once a second is enough.
  window.setInterval(fit, 1000);
})();
