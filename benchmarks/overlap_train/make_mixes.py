"""Training recordings for the mono overlap detector: simulated talk-overs with exact frame labels.

Lines are spoken one by one by callsynth's TTS voices (``speak``: named voices, shouts), laid
on a timeline by this script, summed, and rendered by callsynth's own ``render`` (telephone band,
G.711 and MP3 for calls; room noise, reverb and AAC for visits), so the training audio goes
through the same channel as the test sets. Each line's voice activity is measured on the line
alone, before mixing, so every 10 ms frame knows how many voices it holds: the labels are exact,
not read from turn times.

Texts come from the development and held-out scenario scripts and the tuning conduct set
(``../shared/tools/callsynth/scenarios_dev.py``, ``benchmarks/corpus_heldout*/``,
``benchmarks/corpus_conduct/``), never from the frozen test set ``benchmarks/corpus_conduct2``;
voices are new names (``T…``), none of a test set's.

Each change of speaker is, at random: a talk-over (the next line starts 0.3-2.2 s before the
last one ends), a fast change (0-0.3 s), a back-channel said inside the other's line, or an
ordinary gap (0.3-1.0 s). Levels vary per line (-6..+4 dB) and some lines are shouted.

Usage (the TTS environment, see benchmarks/corpus_conduct/README.md)::

    ../tts/.tts/bin/python benchmarks/overlap_train/make_mixes.py OUT_DIR [--count 96]

Writes ``OUT_DIR/<id>.{mp3,m4a}`` and ``OUT_DIR/<id>.npz`` (``voices``: voices heard in each
10 ms frame; ``kind``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SYNTH = ROOT.parent / "shared" / "tools" / "callsynth" / "synth.py"
SOURCES = [SYNTH.parent / "scenarios_dev.py", ROOT / "benchmarks/corpus_heldout/scenarios_heldout.py",
           ROOT / "benchmarks/corpus_heldout2/scenarios_heldout2.py",
           ROOT / "benchmarks/corpus_conduct/scenarios_conduct.py"]
BACKCHANNELS = ["嗯。", "对。", "好。", "是。", "嗯嗯。", "好的。", "对对。"]
HOP = 160  # 10 ms at 16 kHz


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def texts() -> list[str]:
    out = []
    for path in SOURCES:
        for sc in _load(path).SCENARIOS:
            out += [turn[1] for turn in sc["turns"] if len(turn[1]) >= 6]
    return sorted(set(out))


def activity(audio: np.ndarray) -> np.ndarray:
    """Voiced 10 ms frames of one clean line: within 35 dB of its loudest frame."""
    n = len(audio) // HOP
    db = 10 * np.log10(np.mean(np.square(audio[: n * HOP].reshape(n, HOP)), axis=1) + 1e-12)
    return db > db.max() - 35


def scenario(index: int, rng: random.Random, lines: list[str], synth, tts) -> tuple[dict, list, float, np.ndarray]:
    visit = index % 3 == 2
    speakers = ["agent", "agent2", "debtor"] if visit else ["agent", "debtor"]
    voices = {s: f"T{index:02d}{s[0]}{s[-1]}" for s in speakers}
    sc = dict(call_id=f"ov-{index:03d}", kind="visit" if visit else "call", channels="mono",
              format="m4a" if visit else "mp3", noise=rng.uniform(0.015, 0.03),
              roles={s: "agent" if s.startswith("agent") else "debtor" for s in speakers})
    pieces, masks = [], []
    pos, prev, last_end, current = rng.uniform(0.3, 0.8), None, 0.0, "agent"
    for _ in range(rng.randint(9, 13)):
        if prev is not None:
            others = [s for s in speakers if s != current and (current == "debtor") != (s == "debtor")] or \
                     [s for s in speakers if s != current]
            current = rng.choice(others) if rng.random() < 0.85 else current
        shout = rng.random() < 0.12
        audio = synth.speak(tts, rng.choice(lines), current, voices[current], shout)
        audio = audio * 10 ** (rng.uniform(-6, 4) / 20)
        kind = rng.random()
        if prev is None or current == prev[0]:
            start = pos
        elif kind < 0.45:  # talk-over
            start = max(prev[1] + 0.3, last_end - rng.uniform(0.3, 2.2))
        elif kind < 0.65:  # fast change
            start = max(prev[1] + 0.3, last_end - rng.uniform(0.0, 0.3))
        else:
            start = pos
        if prev is not None and current != prev[0] and rng.random() < 0.2:  # a back-channel by the listener
            bc = synth.speak(tts, rng.choice(BACKCHANNELS), current, voices[current], False)
            at = rng.uniform(prev[1] + 0.5, max(prev[1] + 0.6, last_end - 0.8))
            pieces.append((current, at, bc * 10 ** (rng.uniform(-6, 2) / 20)))
            masks.append((at, activity(bc)))
        pieces.append((current, start, audio))
        masks.append((start, activity(audio)))
        end = start + len(audio) / 16000
        prev = (current, start)
        last_end = max(last_end, end)
        pos = last_end + rng.uniform(0.3, 1.0)
    total = pos + 0.5
    frames = int(total * 100) + 1
    count = np.zeros(frames, np.int8)
    for start, mask in masks:
        s = int(round(start * 100))
        seg = mask[: max(0, frames - s)]
        count[s:s + len(seg)] += seg.astype(np.int8)
    return sc, pieces, total, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=96)
    parser.add_argument("--first", type=int, default=0, help="index of the first recording (to add to a set)")
    args = parser.parse_args(argv)
    synth = _load(SYNTH)
    tts = synth._tts()
    lines = texts()
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.first, args.first + args.count):
        rng = random.Random(f"overlap-train-{index}")
        sc, pieces, total, count = scenario(index, rng, lines, synth, tts)
        audio = args.out / f"{sc['call_id']}.{sc['format']}"
        synth.render(sc, pieces, total, rng, audio)
        np.savez_compressed(args.out / f"{sc['call_id']}.npz", voices=count, kind=sc["kind"])
        (args.out / f"{sc['call_id']}.json").write_text(json.dumps(
            {"pieces": [(p[0], round(p[1], 3), round(len(p[2]) / 16000, 3)) for p in pieces]}), encoding="utf-8")
        print(sc["call_id"], sc["kind"], f"{total:.1f}s", f"overlap {np.mean(count >= 2) * 100:.1f} %", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
