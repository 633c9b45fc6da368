"""A stand-in for the browser's speech synthesis (headless Chromium has no voice):
it records what it is asked to say, and a test says when each utterance ends.

``page.context.add_init_script(speech_stub(voices))`` before the page loads; then
``window.__speech.log`` holds every ``speak`` (text, lang, voice) and ``"cancel"``,
``window.__speech.finish()`` ends the utterance being spoken, and
``window.__speech.setVoices([...])`` changes the voices and fires
``voiceschanged``."""

import json

CHINESE_VOICE = {"name": "Ting-Ting", "lang": "zh-CN"}
ENGLISH_VOICE = {"name": "Samantha", "lang": "en-US"}

STUB = """(() => {
  const log = [];
  const listeners = [];
  let voices = %s;
  let current = null;
  class Utterance {
    constructor(text) {
      this.text = text; this.lang = ""; this.voice = null; this.rate = 1;
      this.onend = null; this.onerror = null;
    }
  }
  const synth = {
    getVoices: () => voices.slice(),
    speak(utterance) {
      log.push({text: utterance.text, lang: utterance.lang,
                voice: utterance.voice && utterance.voice.name});
      current = utterance;
    },
    cancel() {
      log.push("cancel");
      const cut = current;
      current = null;
      if (cut && cut.onerror) cut.onerror({error: "interrupted"});
    },
    pause() { log.push("pause"); },
    resume() { log.push("resume"); },
    addEventListener(type, listener) {
      if (type === "voiceschanged") listeners.push(listener);
    },
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = Utterance;
  window.__speech = {
    log,
    finish() {
      const done = current;
      current = null;
      if (done && done.onend) done.onend({});
    },
    setVoices(next) { voices = next; listeners.forEach((listener) => listener()); },
  };
})();"""


def speech_stub(voices=(CHINESE_VOICE,)):
    return STUB % json.dumps(list(voices))


def spoken(page):
    """The texts spoken so far, in order (cancels left out)."""
    return [
        entry["text"]
        for entry in page.evaluate("window.__speech.log")
        if isinstance(entry, dict)
    ]
