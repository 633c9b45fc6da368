/* Download a course to the phone, show what is downloaded, remove it
 * (docs/offline.md). The course page's block [data-offline-course] and the list
 * page's [data-offline-list] carry their words (translated on the server) as
 * data-text-* attributes, with {name} where a value goes. Each course is one Cache Storage cache,
 * "shouwang-course-<id>", holding its pages, what they load (style sheets,
 * scripts, images) and the quizzes they link to, plus a small record of what
 * it is (META_PATH). The service worker (/sw.js) answers from it offline. */
(function () {
  "use strict";
  var PREFIX = "shouwang-course-";
  var META_PATH = "/learn/offline/kept/";
  if (!("caches" in window) || !("serviceWorker" in navigator)) return;

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
    /* refused (private mode, an in-app browser without workers): the block
     * stays hidden below, where nothing can be kept */
  });

  function text(el, name, values) {
    var s = el.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      s = s.split("{" + key + "}").join(values[key]);
    });
    return s;
  }

  function metaUrl(id) {
    return META_PATH + id + "/";
  }

  function sameOrigin(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.origin === window.location.origin ? parsed.pathname + parsed.search : null;
    } catch (e) {
      return null;
    }
  }

  /* What a page needs besides itself, and the quizzes it links to. */
  function needs(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = [];
    var add = function (url) {
      var local = url && sameOrigin(url);
      if (local && found.indexOf(local) < 0) found.push(local);
    };
    doc.querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], link[rel=manifest][href]")
      .forEach(function (el) { add(el.getAttribute("href")); });
    doc.querySelectorAll("script[src]").forEach(function (el) { add(el.getAttribute("src")); });
    doc.querySelectorAll("img[src]").forEach(function (el) { add(el.getAttribute("src")); });
    doc.querySelectorAll("img[srcset], source[srcset]").forEach(function (el) {
      el.getAttribute("srcset").split(",").forEach(function (part) {
        add(part.trim().split(/\s+/)[0]);
      });
    });
    doc.querySelectorAll("a[href*='/quizzes/']").forEach(function (el) {
      var href = sameOrigin(el.getAttribute("href"));
      if (href && /^\/quizzes\/\d+\//.test(href)) add(href);
    });
    return found;
  }

  function keep(cache, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + " " + response.status);
      var copy = response.clone();
      return cache.put(url, response).then(function () { return copy; });
    });
  }

  function download(course, progress) {
    var name = PREFIX + course.id;
    var done = 0;
    var total = course.pages.length;
    return caches.delete(name).then(function () {
      return caches.open(name);
    }).then(function (cache) {
      var extra = [];
      var chain = Promise.resolve();
      course.pages.forEach(function (url) {
        chain = chain.then(function () {
          return keep(cache, url).then(function (response) {
            return response.text();
          }).then(function (html) {
            needs(html).forEach(function (need) {
              if (extra.indexOf(need) < 0 && course.pages.indexOf(need) < 0) extra.push(need);
            });
            done += 1;
            progress(done, total + extra.length);
          });
        });
      });
      return chain.then(function () {
        return Promise.all(extra.map(function (url) {
          return keep(cache, url).then(function (response) {
            // A quiz's page: what it loads is kept too.
            if (/^\/quizzes\//.test(url)) {
              return response.text().then(function (html) {
                return Promise.all(needs(html).map(function (need) {
                  return cache.match(need).then(function (hit) {
                    return hit || keep(cache, need);
                  });
                }));
              });
            }
          }).then(function () {
            done += 1;
            progress(done, total + extra.length);
          });
        }));
      }).then(function () {
        var meta = { id: course.id, title: course.title, url: course.url, at: Date.now() };
        return cache.put(metaUrl(course.id), new Response(JSON.stringify(meta), {
          headers: { "Content-Type": "application/json" }
        }));
      });
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
    }, function (error) {
      // Half a course is no course: nothing is kept.
      return caches.delete(name).then(function () { throw error; });
    });
  }

  function keptCourses() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0;
      }).map(function (name) {
        return caches.open(name).then(function (cache) {
          var id = name.slice(PREFIX.length);
          return cache.match(metaUrl(id)).then(function (hit) {
            return hit ? hit.json() : null;
          });
        });
      }));
    }).then(function (metas) {
      return metas.filter(Boolean);
    });
  }

  function when(at) {
    var d = new Date(at);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  /* The course page's block. */
  function courseBlock(block) {
    var id = block.getAttribute("data-course-id");
    var status = block.querySelector("[data-offline-status]");
    var downloadButton = block.querySelector("[data-offline-download]");
    var removeButton = block.querySelector("[data-offline-remove]");

    function show(meta) {
      block.setAttribute("data-downloaded", meta ? "true" : "false");
      status.textContent = meta ? text(block, "downloaded", { when: when(meta.at) }) : text(block, "intro");
      downloadButton.textContent = text(block, meta ? "update" : "download");
      removeButton.hidden = !meta;
      downloadButton.disabled = false;
    }

    function refresh() {
      return caches.open(PREFIX + id).then(function (cache) {
        return cache.match(metaUrl(id));
      }).then(function (hit) {
        return hit ? hit.json() : null;
      }).then(show);
    }

    downloadButton.addEventListener("click", function () {
      downloadButton.disabled = true;
      status.textContent = text(block, "downloading", { done: 0, total: "…" });
      fetch(block.getAttribute("data-offline-course"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (course) {
          return download(course, function (done, total) {
            status.textContent = text(block, "downloading", { done: done, total: total });
          });
        })
        .then(refresh, function () {
          downloadButton.disabled = false;
          status.textContent = text(block, "failed");
        });
    });
    removeButton.addEventListener("click", function () {
      caches.delete(PREFIX + id).then(function () { show(null); });
    });
    block.hidden = false;
    refresh();
  }

  /* The list of downloaded courses (/learn/offline/). */
  function listBlock(block) {
    var list = block.querySelector("[data-offline-items]");
    var empty = block.querySelector("[data-offline-empty]");
    var usage = block.querySelector("[data-offline-usage]");

    function render() {
      return keptCourses().then(function (metas) {
        list.innerHTML = "";
        metas.sort(function (a, b) { return b.at - a.at; });
        metas.forEach(function (meta) {
          var item = document.createElement("li");
          item.className = "offline-item";
          item.setAttribute("data-course-id", meta.id);
          var link = document.createElement("a");
          link.href = meta.url;
          link.textContent = meta.title;
          var note = document.createElement("span");
          note.className = "muted";
          note.textContent = text(block, "downloaded", { when: when(meta.at) });
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "button button--secondary button--small";
          remove.textContent = text(block, "remove");
          remove.setAttribute("aria-label", text(block, "remove-named", { title: meta.title }));
          remove.addEventListener("click", function () {
            caches.delete(PREFIX + meta.id).then(render);
          });
          item.appendChild(link);
          item.appendChild(note);
          item.appendChild(remove);
          list.appendChild(item);
        });
        empty.hidden = metas.length > 0;
        if (usage && navigator.storage && navigator.storage.estimate) {
          navigator.storage.estimate().then(function (estimate) {
            var mb = function (bytes) { return (bytes / 1048576).toFixed(1); };
            usage.textContent = text(block, "usage", {
              used: mb(estimate.usage || 0), quota: mb(estimate.quota || 0)
            });
          });
        }
      });
    }
    block.hidden = false;
    render();
  }

  var course = document.querySelector("[data-offline-course]");
  if (course) courseBlock(course);
  var list = document.querySelector("[data-offline-list]");
  if (list) listBlock(list);
})();
