"""Regenerate the voiceprint calibration corpus with callsynth (TTS environment).

    nice ../tts/.tts/bin/python benchmarks/corpus_voices/generate.py OUT_DIR \
        [--synth ../shared/tools/callsynth/synth.py]

Runs callsynth's own ``main`` on ``scenarios_voices.py``; the only difference from
``synth.py scenarios_voices.py OUT_DIR`` is that the raw TTS of a line is computed once and
reused for every voice (callsynth caches per voice and line; its voice effects are applied by
sox on top of the same raw synthesis, so the audio is identical and ~20x cheaper to make).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _MemoTTS:
    def __init__(self, tts):
        self._tts = tts
        self._dir = Path(tempfile.gettempdir()) / "callsynth-raw-cache"
        self._dir.mkdir(exist_ok=True)

    def text2wav(self, text: str, path: str) -> None:
        raw = self._dir / (hashlib.sha1(text.encode()).hexdigest()[:16] + ".wav")
        if not raw.exists():
            self._tts.text2wav(text, str(raw))
        shutil.copyfile(raw, path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--synth", default=str(HERE.parents[1].parent / "shared" / "tools" / "callsynth" / "synth.py"))
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("synth", args.synth)
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    real = synth._tts
    synth._tts = lambda: _MemoTTS(real())
    synth.main(str(HERE / "scenarios_voices.py"), args.out)


if __name__ == "__main__":
    main()
