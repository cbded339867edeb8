"""Local and Ray executors store the same results for the same input (real embedded model,
a local Ray instance with 2 CPUs, two short corpus recordings: a stereo call and a visit)."""

from __future__ import annotations

import os
import shutil

import pytest

from audit.rules import DEFAULT_PACK
from audit.storage import init_db, make_engine
from pipelines import asr
from pipelines.batch import LocalExecutor, RayExecutor, run_batch
from pipelines.process import PipelineOptions
from tests.pipelines.test_batch import make_batch, no_duplicates, stored

pytestmark = pytest.mark.slow
import ray  # noqa: E402,F401 - the ray extra, which make test installs

CALLS = ["dev-014", "dev-008", "dial-7950-1"]


def audited(url: str, batch, executor, **kwargs):
    engine = make_engine(url)
    init_db(engine)
    summary = run_batch(engine, batch, executor=executor, **kwargs)
    state = stored(engine)
    engine.dispose()
    return summary, state


def test_local_and_ray_executors_store_identical_results(tmp_path, corpus_dir, monkeypatch):
    batch = make_batch(tmp_path / "in", corpus_dir, CALLS)
    # one frozen copy of the rule pack for both runs (its version is part of what is stored)
    pack = tmp_path / "pack.yaml"
    shutil.copyfile(DEFAULT_PACK, pack)
    loads = []
    engine_class = asr.ENGINES["faster-whisper"]

    class Counting(engine_class):
        def __init__(self, *args, **kwargs):
            loads.append(kwargs.get("cpu_threads"))
            super().__init__(*args, **kwargs)

    monkeypatch.setitem(asr.ENGINES, "faster-whisper", Counting)
    # The same threading in both runs. Ray sets OMP_NUM_THREADS=1 in one-CPU actors unless the
    # driver has it set, and with OMP_NUM_THREADS=1 the ASR decodes a rare word differently
    # (王蕊/王泪 on dev-008) than with the default; a local run leaves it unset (all cores).
    monkeypatch.setenv("OMP_NUM_THREADS", str(os.cpu_count() or 1))
    options = PipelineOptions(cpu_threads=1)
    local, local_state = audited(f"sqlite:///{tmp_path / 'local.db'}", batch, LocalExecutor(workers=1),
                                 pack_path=str(pack), low_memory=False, options=options)
    # one worker, two recordings: the ASR model was loaded once and kept
    assert local.ok and local.audited == 2 and len(loads) == 1

    # two actors with one CPU each; they free each model after its stage, which must not change results
    ray_run, ray_state = audited(f"sqlite:///{tmp_path / 'ray.db'}", batch,
                                 RayExecutor(workers=2, num_cpus=2), pack_path=str(pack),
                                 low_memory=True, options=options)
    assert ray_run.ok and ray_run.audited == 2 and ray_run.no_recording == 1

    no_duplicates(local_state)
    assert local_state["segments"] and local_state["findings"]
    assert ray_state == local_state
