/* QR scanning with the phone's rear camera, decoded by jsQR (static/vendor/jsqr/).
 * Defines window.ShouwangQrCamera.start(options), used by this page (the trainee's
 * scanner) and by the instructor's badge scanner (drill-instructor-scan.js).
 * On the trainee's page (data-drill-scanner), a code holding a /c/ link on this
 * site is opened; the /c/ page then checks in.
 * Plain ES5 for the old Android WebViews inside WeChat. */
(function () {
  "use strict";

  function getUserMedia(constraints, ok, fail) {
    var md = navigator.mediaDevices;
    if (md && md.getUserMedia) {
      md.getUserMedia(constraints).then(ok, fail);
      return true;
    }
    /* Older WebViews only have the prefixed, callback form. */
    var legacy = navigator.getUserMedia || navigator.webkitGetUserMedia;
    if (legacy) {
      legacy.call(navigator, constraints, ok, fail);
      return true;
    }
    return false;
  }

  /* options: video, onCode(text), onError(kind: "unsupported" | "denied" |
   * "unavailable"), interval (ms between decodes). Returns {stop: function}. */
  function start(options) {
    var video = options.video;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d");
    var stream = null;
    var timer = null;
    var stopped = false;
    var interval = options.interval || 200;

    function stop() {
      stopped = true;
      window.clearTimeout(timer);
      if (stream) {
        var tracks = stream.getTracks ? stream.getTracks() : [];
        for (var i = 0; i < tracks.length; i++) tracks[i].stop();
      }
    }

    function tick() {
      if (stopped) return;
      if (video.readyState >= 2 && video.videoWidth) {
        /* Decode a copy at most 640 px wide: enough for a QR code filling part
         * of the frame, and fast on a cheap phone. */
        var scale = Math.min(1, 640 / video.videoWidth);
        var w = Math.round(video.videoWidth * scale);
        var h = Math.round(video.videoHeight * scale);
        canvas.width = w;
        canvas.height = h;
        context.drawImage(video, 0, 0, w, h);
        var image = context.getImageData(0, 0, w, h);
        var code = window.jsQR(image.data, w, h, { inversionAttempts: "attemptBoth" });
        if (code && code.data) {
          options.onCode(code.data);
        }
      }
      if (!stopped) timer = window.setTimeout(tick, interval);
    }

    if (typeof window.jsQR !== "function") {
      options.onError("unsupported");
      return { stop: stop };
    }
    var asked = getUserMedia(
      { audio: false, video: { facingMode: "environment" } },
      function (s) {
        stream = s;
        if (stopped) { stop(); return; }
        /* iOS and some WebViews play inline only with these set. */
        video.setAttribute("playsinline", "");
        video.muted = true;
        if ("srcObject" in video) {
          video.srcObject = s;
        } else {
          video.src = window.URL.createObjectURL(s);
        }
        var played = video.play();
        if (played && played.then) played.then(null, function () {});
        tick();
      },
      function (error) {
        var name = (error && error.name) || "";
        options.onError(
          name === "NotAllowedError" || name === "PermissionDeniedError" ||
          name === "SecurityError" ? "denied" : "unavailable"
        );
      }
    );
    if (!asked) options.onError("unsupported");
    return { stop: stop };
  }

  window.ShouwangQrCamera = { start: start };

  /* The trainee's scanner page. */
  var root = document.querySelector("[data-drill-scanner]");
  if (!root) return;
  var status = root.querySelector("[data-status]");
  var help = root.querySelector("[data-camera-help]");
  var done = false;

  function say(key, state) {
    status.textContent = root.getAttribute("data-text-" + key) || "";
    root.setAttribute("data-state", state || key);
  }

  /* Some WebViews give an anchor's host with the default port (":443"), others
   * without: compare with the port spelled out. */
  function origin(loc) {
    var port = loc.port || (loc.protocol === "https:" ? "443" : "80");
    return loc.protocol + "//" + loc.hostname + ":" + port;
  }

  /* A /c/ link on this site, or null. */
  function checkinLink(text) {
    var a = document.createElement("a");
    a.href = text;
    var path = a.pathname.charAt(0) === "/" ? a.pathname : "/" + a.pathname;
    if (origin(a) !== origin(window.location) || path.indexOf("/c/") !== 0) return null;
    if (path.length <= 3) return null;
    return a.href;
  }

  say("starting", "starting");
  var camera = start({
    video: root.querySelector("video"),
    onCode: function (text) {
      if (done) return;
      var link = checkinLink(text);
      if (!link) {
        say("other", "other");
        return;
      }
      done = true;
      say("found", "found");
      camera.stop();
      window.location.href = link;
    },
    onError: function (kind) {
      say(kind, kind);
      if (help) help.hidden = false;
    }
  });
  root.querySelector("video").addEventListener("playing", function () {
    if (!done) say("scanning", "scanning");
  });
})();
