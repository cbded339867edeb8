"""Bring-your-own model: ``--asr-model PATH`` with a local CTranslate2 directory, checked at the door."""

from __future__ import annotations

import pytest

import pipelines.asr as asr


def test_a_missing_directory_is_named(tmp_path):
    with pytest.raises(asr.AsrError, match="does not exist"):
        asr.get_engine("faster-whisper", str(tmp_path / "whisper-small-ct2"))


def test_a_directory_that_is_not_a_ctranslate2_model_says_what_is_missing(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(asr.AsrError, match=r"not a CTranslate2 Whisper model directory \(missing model.bin, "
                                           r"tokenizer.json\).*ct2-transformers-converter"):
        asr.get_engine("faster-whisper", str(tmp_path))
    checkpoint = tmp_path / "base.pt"
    checkpoint.write_bytes(b"\0")
    with pytest.raises(asr.AsrError, match="it is a file"):
        asr.get_engine("faster-whisper", str(checkpoint))


def test_a_broken_model_file_is_an_asr_error_naming_the_model(tmp_path):
    for name in ("model.bin", "config.json", "tokenizer.json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(asr.AsrError, match="cannot load model"):
        asr.get_engine("faster-whisper", str(tmp_path), device="cpu")


def test_the_embedded_model_passes_the_same_check():
    directory = asr.embedded_model_dir()
    assert asr.ctranslate2_model_dir(directory) == directory
    engine = asr.get_engine("faster-whisper", str(directory), device="cpu")  # as --asr-model PATH
    assert engine.model_name == str(directory) and engine.compute_type == "int8"
