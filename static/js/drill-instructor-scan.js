/* Instructor's check-in page: scan trainees' personal QR badges (SWB1:...) or mark
 * people from the list. Every scan goes first into an offline queue in IndexedDB,
 * with the time it was made, then to the server in batches whenever the network
 * is there. Each item has a random id; only items the server answered leave the
 * queue, and an item sent twice is checked in once, so nothing is lost or doubled
 * when the connection drops mid-request.
 * Plain ES5 with XMLHttpRequest for the old Android WebViews inside WeChat. */
(function () {
  "use strict";
  var root = document.querySelector("[data-instructor-scan]");
  if (!root) return;

  var DB_NAME = "shouwang-drills";
  var STORE = "checkin-queue";
  var BADGE_PREFIX = "SWB1:";
  var RETRY_MS = 4000;
  var SAME_BADGE_MS = 8000;

  var drillId = parseInt(root.getAttribute("data-drill"), 10);
  var postUrl = root.getAttribute("data-checkins-url");
  var searchUrl = root.getAttribute("data-search-url");
  var maxBatch = parseInt(root.getAttribute("data-max-batch"), 10) || 200;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var queueEl = root.querySelector("[data-queue]");
  var statusEl = root.querySelector("[data-status]");
  var resultsEl = root.querySelector("[data-results]");
  var peopleEl = root.querySelector("[data-people]");
  var othersEl = root.querySelector("[data-others]");
  var othersTitle = root.querySelector("[data-others-title]");
  var searchEl = root.querySelector("[data-search]");

  var db = null;
  var memory = {}; /* used when IndexedDB is unavailable (private mode) */
  var sending = false;
  var retryTimer = null;
  var lastBadge = { text: "", at: 0 };

  function text(key) {
    return root.getAttribute("data-text-" + key) || "";
  }

  function uuid() {
    var bytes = new Array(16);
    var cryptoObj = window.crypto || window.msCrypto;
    if (cryptoObj && cryptoObj.getRandomValues) {
      var array = new Uint8Array(16);
      cryptoObj.getRandomValues(array);
      for (var i = 0; i < 16; i++) bytes[i] = array[i];
    } else {
      for (var j = 0; j < 16; j++) bytes[j] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = "";
    for (var k = 0; k < 16; k++) {
      hex += (bytes[k] + 0x100).toString(16).substr(1);
      if (k === 3 || k === 5 || k === 7 || k === 9) hex += "-";
    }
    return hex;
  }

  /* --- the queue: IndexedDB, or memory when it cannot be opened --- */

  function openDb(done) {
    var request;
    try {
      request = window.indexedDB && window.indexedDB.open(DB_NAME, 1);
    } catch (e) {
      request = null;
    }
    if (!request) { done(); return; }
    request.onupgradeneeded = function () {
      request.result.createObjectStore(STORE, { keyPath: "id" });
    };
    request.onsuccess = function () { db = request.result; done(); };
    request.onerror = function () { done(); };
    request.onblocked = function () { done(); };
  }

  function queuePut(item, done) {
    if (!db) { memory[item.id] = item; done(); return; }
    var tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(item);
    tx.oncomplete = function () { done(); };
    tx.onerror = function () { memory[item.id] = item; done(); };
  }

  function queueAll(done) {
    var items = [];
    var id;
    for (id in memory) {
      if (memory.hasOwnProperty(id) && memory[id].drill === drillId) items.push(memory[id]);
    }
    if (!db) { done(items); return; }
    var tx = db.transaction(STORE, "readonly");
    var request = tx.objectStore(STORE).openCursor();
    request.onsuccess = function () {
      var cursor = request.result;
      if (cursor) {
        if (cursor.value.drill === drillId) items.push(cursor.value);
        cursor["continue"]();
      }
    };
    tx.oncomplete = function () {
      items.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      done(items);
    };
    tx.onerror = function () { done(items); };
  }

  function queueRemove(ids, done) {
    for (var i = 0; i < ids.length; i++) delete memory[ids[i]];
    if (!db) { done(); return; }
    var tx = db.transaction(STORE, "readwrite");
    var store = tx.objectStore(STORE);
    for (var j = 0; j < ids.length; j++) store["delete"](ids[j]);
    tx.oncomplete = function () { done(); };
    tx.onerror = function () { done(); };
  }

  function showCount() {
    queueAll(function (items) {
      var n = items.length;
      queueEl.setAttribute("data-count", String(n));
      queueEl.setAttribute("data-state", n ? "waiting" : "sent");
      queueEl.textContent = n ? text("queue").replace("{n}", String(n)) : text("sent");
    });
  }

  /* --- the running list --- */

  function entryFor(id) {
    return resultsEl.querySelector('[data-id="' + id + '"]');
  }

  function showEntry(item, state, name, message) {
    var li = entryFor(item.id);
    if (!li) {
      li = document.createElement("li");
      li.setAttribute("data-id", item.id);
      li.appendChild(document.createElement("strong"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(document.createElement("span"));
      resultsEl.insertBefore(li, resultsEl.firstChild);
    }
    li.setAttribute("data-state", state);
    li.className = "scan-results__item scan-results__item--" + state;
    li.firstChild.textContent = name || item.name || text("badge");
    li.lastChild.textContent = message;
  }

  function markDone(personId) {
    var rows = root.querySelectorAll('[data-person="' + personId + '"]');
    for (var i = 0; i < rows.length; i++) rows[i].className = "is-done";
  }

  /* --- sending --- */

  function later() {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flush, RETRY_MS);
  }

  function flush() {
    if (sending) return;
    window.clearTimeout(retryTimer);
    queueAll(function (items) {
      if (!items.length) { showCount(); return; }
      sending = true;
      var batch = items.slice(0, maxBatch);
      var payload = [];
      for (var i = 0; i < batch.length; i++) {
        var entry = { id: batch[i].id, scanned_at: batch[i].scanned_at };
        if (batch[i].badge) entry.badge = batch[i].badge;
        else entry.person = batch[i].person;
        payload.push(entry);
      }
      var byId = {};
      for (var b = 0; b < batch.length; b++) byId[batch[b].id] = batch[b];
      var xhr = new XMLHttpRequest();
      xhr.open("POST", postUrl, true);
      xhr.timeout = 20000;
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.onload = function () {
        sending = false;
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status === 200 && data && data.results) {
          var answered = [];
          for (var r = 0; r < data.results.length; r++) {
            var result = data.results[r];
            var item = result.id && byId[result.id];
            if (!item) continue;
            answered.push(result.id);
            showEntry(item, result.ok ? "ok" : "refused", result.name, result.message);
            if (result.ok && item.person) markDone(item.person);
          }
          queueRemove(answered, function () {
            /* Again at once: more than one batch, or scans made meanwhile. */
            if (answered.length) flush();
            else later();
          });
          return;
        }
        if ((xhr.status === 400 || xhr.status === 413 || xhr.status === 415) && data && data.error) {
          statusEl.textContent = text("rejected") + " " + data.error;
        } else if (xhr.status === 403 || (xhr.status === 200 && !data)) {
          /* Signed out (the login page came back) or the CSRF token expired. */
          statusEl.textContent = text("signed-out");
        }
        later();
      };
      xhr.onerror = xhr.ontimeout = function () {
        sending = false;
        later();
      };
      xhr.send(JSON.stringify(payload));
    });
  }

  function enqueue(fields, name) {
    var item = {
      id: uuid(),
      drill: drillId,
      scanned_at: new Date().toISOString(),
      name: name || ""
    };
    if (fields.badge) item.badge = fields.badge;
    else item.person = fields.person;
    showEntry(item, "waiting", name, text("waiting"));
    queuePut(item, function () {
      showCount();
      flush();
    });
  }

  /* --- marking by hand --- */

  function onMark(event) {
    var button = event.target;
    if (!button || !button.hasAttribute || !button.hasAttribute("data-mark")) return;
    var li = button.parentNode;
    enqueue({ person: parseInt(li.getAttribute("data-person"), 10) }, li.getAttribute("data-name"));
  }
  peopleEl.addEventListener("click", onMark);
  othersEl.addEventListener("click", onMark);

  var searchTimer = null;
  function filter() {
    var query = searchEl.value.replace(/^\s+|\s+$/g, "").toLowerCase();
    var rows = peopleEl.querySelectorAll("[data-person]");
    var shown = {};
    for (var i = 0; i < rows.length; i++) {
      var hit = !query || rows[i].getAttribute("data-search-text").indexOf(query) !== -1;
      rows[i].hidden = !hit;
      if (hit) shown[rows[i].getAttribute("data-person")] = true;
    }
    window.clearTimeout(searchTimer);
    othersEl.innerHTML = "";
    othersTitle.hidden = true;
    if (query.length < 2) return;
    /* Anyone else by name or phone (needs the network; the invited list above
     * works offline). */
    searchTimer = window.setTimeout(function () {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", searchUrl + "?q=" + encodeURIComponent(query), true);
      xhr.onload = function () {
        if (xhr.status !== 200) return;
        var people = JSON.parse(xhr.responseText).people;
        othersEl.innerHTML = "";
        for (var p = 0; p < people.length; p++) {
          if (shown[String(people[p].id)]) continue;
          othersEl.appendChild(personRow(people[p]));
        }
        othersTitle.hidden = !othersEl.firstChild;
      };
      xhr.send();
    }, 300);
  }

  function personRow(person) {
    var li = document.createElement("li");
    li.setAttribute("data-person", String(person.id));
    li.setAttribute("data-name", person.name);
    var who = document.createElement("span");
    who.className = "scan-people__who";
    var strong = document.createElement("strong");
    strong.textContent = person.name;
    var small = document.createElement("small");
    small.className = "muted";
    small.textContent = " " + person.organisation + (person.phone ? " · ****" + person.phone : "");
    who.appendChild(strong);
    who.appendChild(small);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.setAttribute("data-mark", "");
    button.textContent = text("mark");
    li.appendChild(who);
    li.appendChild(button);
    return li;
  }
  searchEl.addEventListener("input", filter);

  /* --- scanning badges --- */

  function onCode(code) {
    if (code.indexOf(BADGE_PREFIX) !== 0) {
      statusEl.textContent = text("other");
      return;
    }
    var now = new Date().getTime();
    /* The same badge stays in front of the camera for a while: one scan. */
    if (code === lastBadge.text && now - lastBadge.at < SAME_BADGE_MS) return;
    lastBadge = { text: code, at: now };
    statusEl.textContent = text("scanning");
    if (navigator.vibrate) navigator.vibrate(80);
    enqueue({ badge: code }, "");
  }

  openDb(function () {
    queueAll(function (items) {
      for (var i = 0; i < items.length; i++) {
        showEntry(items[i], "waiting", items[i].name, text("waiting"));
      }
      showCount();
      flush();
    });
  });
  window.addEventListener("online", flush);

  if (window.ShouwangQrCamera) {
    statusEl.textContent = text("scanning");
    window.ShouwangQrCamera.start({
      video: root.querySelector("video"),
      onCode: onCode,
      onError: function (kind) {
        statusEl.textContent = text(kind);
        root.setAttribute("data-camera", kind);
      }
    });
  }
})();
