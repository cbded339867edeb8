"""Tamper-evident evidence packs: everything about one contact, in one zip, with SHA-256 sums.

A compliance officer answers a regulator or a complaint with a pack; anyone can later check
that not one byte changed since it was exported (:func:`verify_pack`, ``audit evidence
verify``). Layout of ``PACK.zip``::

    audio/<file as stored>          the recording, byte for byte (Contact.audio_path's file name,
                                    made safe by :func:`safe_name`)
    clips/NN_<rule>_<from>-<to>.wav a 16 kHz PCM clip around each timed finding (± CLIP_PADDING_S)
    transcript.json / .txt          the diarized, role-labelled transcript
    findings.json                   findings with rule citations, review state and clip names
    review_log.json                 who confirmed/dismissed/appealed what, and when
    contact.json                    the contact (manifest/dialer metadata), agent and case
    rule_pack.json                  the rule-pack version the contact was audited with, the run
    MANIFEST.json                   every file above: path, bytes, SHA-256
    MANIFEST.sha256                 the same in ``sha256sum`` format (``sha256sum -c`` works)

A **case pack** (:func:`export_case_pack`, ``audit evidence export --case ID`` / ``--debtor ID``)
holds every contact to one debtor or on one case: each contact's files as above under
``contacts/<call_id>/``, plus ``case.json`` and ``timeline.txt`` (every contact in time order with
agent, team, agency, outcome and findings, and the dial attempts per day), under one manifest.

A **redacted** pack (``--redact``), meant to leave the building, masks phone, ID-card and
bank-card numbers in every text (:mod:`audit.masking`) and replaces, in the audio, each
transcript segment in which one is spoken with a tone: the database keeps segment times, not
word times, so the whole segment is beeped (``REDACTION.txt`` in the pack says so). Its
recordings are re-encoded as 16 kHz WAV; ``contact.json`` keeps the original's SHA-256.

With a dashboard address (``--dashboard-url``) the transcript and the findings link to the call
at each finding's second (:mod:`audit.links`).

The zip comment records the SHA-256 of ``MANIFEST.sha256``, so a change to the manifest itself
is named too. The hashes prove integrity, not origin: keep the pack's own SHA-256 (printed on
export) in the case file, or sign it, to stop someone regenerating every hash.

**The decoder is passed in.** Clips and beeps need the recording's samples, and recordings are
mp3, m4a or wav, which only FFmpeg (PyAV) decodes. ``audit`` is the pure core and decodes no
audio, so :func:`export_pack` and :func:`export_case_pack` take a ``decoder``
(:class:`~audit.evidence.clips.Decoder`: path → samples at a rate), and each composition root
passes :func:`pipelines.audio.load_audio`: ``audit evidence export`` (:mod:`audit.cli.exports`)
and, for the dashboard's download buttons, the dashboard server (``dashboards/server.py``, the
one dashboards module the import contract lets import ``pipelines.audio``), which hands it to
:func:`dashboards.wiring.use_decoder`. A pack that needs no samples (no timed finding, not
redacted) is written without one; a pack that does fails with :class:`EvidenceError` naming the
fix (so does a dashboard started with ``streamlit run dashboards/app.py``, without the server).
Neither ``audit`` nor a dashboard page loads PyAV; the dashboard process loads it when a pack is
built. A pure-WAV reader in ``audit`` was rejected: dialer recordings are mostly mp3/m4a at
8 kHz, and a second resampler would make the dashboard's clips differ from the CLI's.

Modules: :mod:`~audit.evidence.pack` (member names, manifest, zip writing),
:mod:`~audit.evidence.records` (the contact's rows and its recording),
:mod:`~audit.evidence.clips` (the decoder protocol and clip cutting),
:mod:`~audit.evidence.redaction` (masking and beeps), :mod:`~audit.evidence.contact` (one
contact's pack), :mod:`~audit.evidence.case` (a case pack) and :mod:`~audit.evidence.verify`.
"""

from audit.evidence.case import export_case_pack
from audit.evidence.clips import CLIP_PADDING_S, DecodedAudio, Decoder
from audit.evidence.contact import export_pack
from audit.evidence.pack import (
    MANIFEST_JSON,
    MANIFEST_SUMS,
    PACK_FORMAT,
    EvidenceError,
    PackInfo,
    pack_filename,
    safe_name,
    unsafe_member,
)
from audit.evidence.redaction import BEEP_HZ, REDACTION_NOTE
from audit.evidence.verify import Problem, verify_pack

__all__ = [
    "BEEP_HZ",
    "CLIP_PADDING_S",
    "MANIFEST_JSON",
    "MANIFEST_SUMS",
    "PACK_FORMAT",
    "REDACTION_NOTE",
    "DecodedAudio",
    "Decoder",
    "EvidenceError",
    "PackInfo",
    "Problem",
    "export_case_pack",
    "export_pack",
    "pack_filename",
    "safe_name",
    "unsafe_member",
    "verify_pack",
]
