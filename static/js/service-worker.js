/* Shouwang's service worker, served at /sw.js (lms/courses/offline.py) so that
 * it answers for the whole site. docs/offline.md explains the whole of it.
 *
 * It keeps nothing by itself except quiz attempts the trainee opened (and the
 * static files those pages load): courses
 * are downloaded by the course page (static/js/offline.js) into caches named
 * "shouwang-course-<id>". Here:
 *   - pages and everything else not static: the network first; its answer
 *     refreshes any downloaded copy; without a network, the downloaded copy;
 *   - static files and media (images): a downloaded copy first (their
 *     addresses change when they do), else the network;
 *   - signing out empties every cache: the pages kept are the trainee's own.
 * The H5P player is on another origin: this worker never sees it.
 * Written in ES5 like the site's other scripts (old Android WebViews). */
"use strict";

var COURSE_PREFIX = "shouwang-course-";
var ATTEMPTS = "shouwang-attempts";
var ATTEMPTS_KEPT = 5;
var ATTEMPT_PAGE = /^\/quizzes\/attempts\/[0-9a-f-]+\/$/;
/* What kept attempt pages load from /static/ (their script, styles, icons). */
var ATTEMPT_ASSETS = "shouwang-attempt-assets";
var ATTEMPT_ASSETS_KEPT = 40;
var STATIC_REF = /(?:src|href)="(\/static\/[^"?#]+)"/g;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function ours(name) {
  return name.indexOf(COURSE_PREFIX) === 0 || name === ATTEMPTS || name === ATTEMPT_ASSETS;
}

function forgetEverything() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(ours).map(function (name) {
      return caches.delete(name);
    }));
  });
}

function fromCaches(request) {
  // Django varies pages on Cookie and Accept-Language, headers a script's
  // Request never shows: compare addresses only.
  return caches.match(request, { ignoreVary: true });
}

/* A page fetched afresh replaces the copy of every downloaded course that has
 * it, so a course kept on the phone follows the site while online. */
function refreshCopies(request, response) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(ours).map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.match(request, { ignoreVary: true }).then(function (old) {
          if (old) return cache.put(request, response.clone());
        });
      });
    }));
  });
}

/* An open quiz attempt is kept (the last few), so that it opens again without a
 * network and its answers wait on the phone (static/js/quiz-attempt.js). */
function keepAttempt(request, response) {
  var page = response.clone();
  return caches.open(ATTEMPTS).then(function (cache) {
    return cache.put(request, response).then(function () {
      return cache.keys();
    }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - ATTEMPTS_KEPT))
        .map(function (key) { return cache.delete(key); }));
    });
  }).then(function () {
    return page.text();
  }).then(keepAssets);
}

/* The static files a kept attempt page loads. Without its script an attempt
 * opened offline shows its questions but cannot keep an answer, and the
 * browser's own cache lets static files go (a minute here; WeChat at will).
 * Their addresses change when they do; the cache is emptied when it grows. */
function keepAssets(html) {
  var urls = [];
  var match;
  STATIC_REF.lastIndex = 0;
  while ((match = STATIC_REF.exec(html)) !== null) {
    if (urls.indexOf(match[1]) < 0) urls.push(match[1]);
  }
  return caches.open(ATTEMPT_ASSETS).then(function (cache) {
    return cache.keys().then(function (keys) {
      if (keys.length + urls.length <= ATTEMPT_ASSETS_KEPT) return null;
      return Promise.all(keys.map(function (key) { return cache.delete(key); }));
    }).then(function () {
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (found) {
          if (found) return null;
          return fetch(url).then(function (asset) {
            return asset.ok ? cache.put(url, asset) : null;
          }, function () { return null; });
        });
      }));
    });
  });
}

function networkFirst(event, url) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      event.waitUntil(
        ATTEMPT_PAGE.test(url.pathname) && request.mode === "navigate"
          ? keepAttempt(request, copy)
          : refreshCopies(request, copy)
      );
    }
    return response;
  }, function (error) {
    return fromCaches(request).then(function (copy) {
      if (copy) return copy;
      throw error;
    });
  });
}

function cacheFirst(request) {
  return fromCaches(request).then(function (copy) {
    return copy || fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/logout/") {
    event.waitUntil(forgetEverything());
    return;
  }
  if (request.method !== "GET" || url.pathname === "/sw.js") return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") === 0) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(event, url));
  }
});
