/* Web storage for H5P on the content origin, whether or not the browser lets it
 * have any (lms/h5p/views.py loads this first in the player page and, through
 * h5p-standalone's `customJs`, in the frame the content runs in).
 *
 * The player is framed from another site, so its storage is third-party storage:
 * Chromium with third-party cookies blocked (its headless default, many privacy
 * settings), the WeChat browser and Safari refuse it, and merely reading
 * `window.localStorage` then throws "Access is denied for this document". H5P's
 * core reads it while starting every activity (H5P.OfflineRequestQueue), so
 * without storage the activity never finishes starting: it is never sized and
 * its buttons stay out of reach. Nothing we keep there needs to outlive the page
 * (scores go to the server), so when the real storage is refused or missing we
 * give the window an in-memory one with the same interface; when the real one
 * works it is left alone. Vendored files stay untouched (static/vendor). */
(function () {
  "use strict";
  var PROBE = "shouwang.storage.probe";

  function usable(name) {
    try {
      var storage = window[name];
      if (!storage) {
        return false; // old Android WebViews without DOM storage give null
      }
      storage.setItem(PROBE, PROBE);
      storage.removeItem(PROBE);
      return true;
    } catch (error) {
      return false; // SecurityError when blocked, QuotaExceededError when full
    }
  }

  function MemoryStorage() {
    var items = Object.create(null);
    var api = {
      key: function (index) {
        var keys = Object.keys(items);
        return index >= 0 && index < keys.length ? keys[index] : null;
      },
      getItem: function (key) {
        key = String(key);
        return key in items ? items[key] : null;
      },
      setItem: function (key, value) {
        items[String(key)] = String(value);
      },
      removeItem: function (key) {
        delete items[String(key)];
      },
      clear: function () {
        items = Object.create(null);
      }
    };
    Object.defineProperty(api, "length", {
      get: function () {
        return Object.keys(items).length;
      }
    });
    if (typeof Proxy !== "function") {
      return api;
    }
    // H5P also uses storage as an object (`localStorage.H5PUserUUID = id`): a
    // Proxy maps those reads and writes to items, as real Storage does.
    return new Proxy(api, {
      get: function (target, property) {
        if (typeof property !== "string" || property in target) {
          return target[property];
        }
        return api.getItem(property) === null ? undefined : api.getItem(property);
      },
      set: function (target, property, value) {
        if (typeof property !== "string" || property in target) {
          target[property] = value;
        } else {
          api.setItem(property, value);
        }
        return true;
      },
      deleteProperty: function (target, property) {
        api.removeItem(property);
        return true;
      },
      has: function (target, property) {
        return property in target || api.getItem(property) !== null;
      }
    });
  }

  var replaced = [];
  ["localStorage", "sessionStorage"].forEach(function (name) {
    if (usable(name)) {
      return;
    }
    try {
      var memory = new MemoryStorage();
      Object.defineProperty(window, name, {
        configurable: true,
        enumerable: true,
        get: function () {
          return memory;
        }
      });
      replaced.push(name);
    } catch (error) {
      // A browser that will not let us redefine it: H5P fails as it would have.
    }
  });
  // Read by the browser tests: which storages this window keeps in memory.
  window.shouwangStorageFallback = replaced;
})();
