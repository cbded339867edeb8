"""The one registry helper behind the ASR engines, diarizers and executors."""

from __future__ import annotations

import pytest

from pipelines.asr import ENGINES, AsrError, get_engine
from pipelines.batch import EXECUTORS, get_executor
from pipelines.diarization import DIARIZERS, get_diarizer
from pipelines.registry import Registry


def test_register_create_and_unknown_name_lists_choices():
    reg: Registry[object] = Registry("widget", error=LookupError)

    @reg.register("b")
    class B:
        def __init__(self, x=1):
            self.x = x

    reg["a"] = dict
    assert reg.names() == ["b", "a"]
    assert reg.create("b", x=3).x == 3
    with pytest.raises(LookupError, match=r"unknown widget 'c'; choose one of: b, a"):
        reg.create("c")


def test_each_registry_names_its_parts_and_rejects_unknown_ones():
    assert ENGINES.names() == ["faster-whisper", "openai-whisper"]
    assert DIARIZERS.names() == ["embedded", "pyannote"]
    assert EXECUTORS.names() == ["local", "ray"]
    with pytest.raises(AsrError, match="unknown ASR engine 'kaldi'; choose one of: faster-whisper, openai-whisper"):
        get_engine("kaldi")
    with pytest.raises(ValueError, match="unknown diarizer 'x'; choose one of: embedded, pyannote"):
        get_diarizer("x")
    with pytest.raises(ValueError, match="unknown executor 'dask'; choose one of: local, ray"):
        get_executor("dask")


def test_command_line_choices_come_from_the_registries(capsys):
    from audit.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["batch", "x", "--diarizer", "nope"])
    assert "choose from 'embedded', 'pyannote'" in capsys.readouterr().err
