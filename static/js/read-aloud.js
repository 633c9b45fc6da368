/* 朗读: read a lesson or an exam question aloud with the phone's own speech
 * synthesis, block by block (heading, paragraph, list item, answer option), with
 * pause, resume and stop. Each control ([data-read-aloud], from
 * people/includes/read_aloud.html) reads the element around it marked
 * [data-read-root]. It stays hidden unless the phone has a voice for the page's
 * language (a zh-CN voice for a Chinese page): many in-app browsers have no speech
 * synthesis at all, or only voices that cannot read Chinese.
 *
 * Written in ES5 for the old Android web views inside WeChat; no inline script,
 * no third-party code, nothing sent anywhere. Texts come from the control's
 * data-text-* attributes, translated by the server. */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  var controls = document.querySelectorAll("[data-read-aloud]");
  if (!controls.length || !synth || !Utterance) return;

  /* What counts as one block to read; an element inside another one is read
   * with it (a paragraph inside a list item, the letter inside an option). */
  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, figcaption, blockquote, legend, label, " +
    ".callout__title";
  var SKIP = "[data-read-aloud], [data-read-skip], [hidden], [aria-hidden=true], " +
    "script, style, template";
  var CURRENT = "read-aloud--current";

  /* zh-Hans pages are read in Mandarin as spoken in mainland China. */
  function speechLang() {
    var lang = (document.documentElement.getAttribute("lang") || "zh-Hans").toLowerCase();
    if (lang.indexOf("zh") === 0) return lang.indexOf("hant") !== -1 ? "zh-TW" : "zh-CN";
    return lang;
  }

  function normal(lang) {
    /* Android reports "zh_CN", some engines "cmn-Hans-CN" for the same voice. */
    return (lang || "").toLowerCase().replace(/_/g, "-").replace(/^cmn(-hans)?/, "zh");
  }

  /* The voice for the page: the exact language (zh-CN) first, then any voice of
   * the same language (zh-HK, zh-TW), else none. */
  function findVoice() {
    var voices = synth.getVoices ? synth.getVoices() || [] : [];
    var wanted = normal(speechLang());
    var primary = wanted.split("-")[0];
    var near = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = normal(voices[i].lang);
      if (lang === wanted) return voices[i];
      if (!near && lang.split("-")[0] === primary) near = voices[i];
    }
    return near;
  }

  function blocksOf(root) {
    var found = root.querySelectorAll(BLOCKS);
    var blocks = [];
    for (var i = 0; i < found.length; i++) {
      var el = found[i];
      if (el.closest(SKIP)) continue;
      var outer = el.parentElement && el.parentElement.closest(BLOCKS);
      if (outer && root.contains(outer) && outer !== root) continue;
      var text = (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
      if (text) blocks.push({ el: el, text: text });
    }
    return blocks;
  }

  var active = null; /* the control reading now: one voice at a time */

  function Reader(control) {
    this.control = control;
    this.root = control.closest("[data-read-root]") || document.querySelector("main");
    this.toggle = control.querySelector("[data-read-aloud-toggle]");
    this.stopButton = control.querySelector("[data-read-aloud-stop]");
    this.status = control.querySelector("[data-read-aloud-status]");
    this.state = "idle";
    this.index = 0;
    this.blocks = [];
    /* Bumped whenever speech is cut short, so the cut utterance's late "end" or
     * "error" event does not move the reading on. */
    this.generation = 0;
    var reader = this;
    this.toggle.addEventListener("click", function () {
      if (reader.state === "playing") reader.pause();
      else if (reader.state === "paused") reader.resume();
      else reader.start();
    });
    this.stopButton.addEventListener("click", function () { reader.stop(); });
    this.show("idle");
  }

  Reader.prototype.text = function (name) {
    return this.control.getAttribute("data-text-" + name) || "";
  };

  Reader.prototype.show = function (state) {
    this.state = state;
    this.control.setAttribute("data-state", state);
    var label = state === "playing" ? "pause" : state === "paused" ? "resume" : "read";
    this.toggle.textContent = this.text(label);
    this.stopButton.hidden = state === "idle";
    var status = "";
    if (state === "playing") {
      status = this.text("reading").replace("{n}", this.index + 1)
        .replace("{total}", this.blocks.length);
    } else if (state === "paused") {
      status = this.text("paused");
    }
    this.status.textContent = status;
  };

  Reader.prototype.mark = function (el) {
    var marked = this.root.querySelectorAll("." + CURRENT);
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove(CURRENT);
    if (el) el.classList.add(CURRENT);
  };

  Reader.prototype.speak = function () {
    var reader = this;
    var block = this.blocks[this.index];
    if (!block) {
      this.finish();
      return;
    }
    var generation = this.generation;
    var utterance = new Utterance(block.text);
    utterance.lang = speechLang();
    var voice = findVoice();
    if (voice) utterance.voice = voice;
    utterance.rate = document.documentElement.className.indexOf("elder") !== -1 ? 0.9 : 1;
    utterance.onend = function () {
      if (generation !== reader.generation || reader.state !== "playing") return;
      reader.index += 1;
      reader.speak();
    };
    utterance.onerror = function (event) {
      if (generation !== reader.generation) return;
      /* "interrupted"/"canceled" are our own cancel(); anything else: stop here. */
      if (event && (event.error === "interrupted" || event.error === "canceled")) return;
      reader.stop();
    };
    this.mark(block.el);
    this.show("playing");
    synth.speak(utterance);
  };

  /* Not speechSynthesis.pause(): Chrome on Android ignores it or ends the
   * utterance instead (crbug.com/679437). Pausing cancels, and resuming reads the
   * paused block again from its beginning, which every engine does alike. */
  Reader.prototype.cut = function () {
    this.generation += 1;
    synth.cancel();
  };

  Reader.prototype.start = function () {
    if (active && active !== this) active.stop();
    active = this;
    this.cut();
    this.blocks = blocksOf(this.root);
    this.index = 0;
    this.speak();
  };

  Reader.prototype.pause = function () {
    this.cut();
    this.show("paused");
  };

  Reader.prototype.resume = function () {
    if (active && active !== this) active.stop();
    active = this;
    this.speak();
  };

  Reader.prototype.stop = function () {
    this.cut();
    this.index = 0;
    this.mark(null);
    this.show("idle");
    if (active === this) active = null;
  };

  Reader.prototype.finish = function () {
    this.index = 0;
    this.mark(null);
    this.show("idle");
    if (active === this) active = null;
  };

  var readers = [];

  /* Voices often arrive after the page (Chrome loads them asynchronously and
   * says so with "voiceschanged"); until one fits, every control stays hidden. */
  function offer() {
    var voice = findVoice();
    for (var i = 0; i < controls.length; i++) {
      controls[i].hidden = !voice;
      if (voice && !readers[i]) readers[i] = new Reader(controls[i]);
    }
    if (!voice && active) active.stop();
  }

  offer();
  if (synth.addEventListener) synth.addEventListener("voiceschanged", offer);
  else synth.onvoiceschanged = offer;

  /* Leaving the page: some browsers go on speaking over the next one. */
  window.addEventListener("pagehide", function () {
    if (active) active.stop();
  });
})();
