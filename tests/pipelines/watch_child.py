"""A watcher process for the crash tests (``python -m tests.pipelines.watch_child``).

The corpus truth stands in for the speech models (as in ``test_batch.py``); before each
recording the child writes its call_id to ``--marker`` and waits ``--delay`` seconds, so the
test knows when it is mid-recording and can kill it there. Everything else is the real
watcher: the inbox, the stream, the database, the outbox and the HTTP delivery.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from audit.alerts import Sink
from audit.storage import init_db, make_engine
from pipelines.watch import StreamSource, Watcher
from tests.pipelines.test_batch import TruthPipeline


class SlowTruthExecutor:
    name = "local"
    workers = 1

    def __init__(self, corpus_dir: Path, delay_s: float, marker: Path):
        self.corpus_dir, self.delay_s, self.marker = corpus_dir, delay_s, marker

    def map(self, worker, items):
        local = worker.with_options(worker.options)
        local._pipeline = TruthPipeline(self.corpus_dir)
        for item in items:
            self.marker.write_text(item.contact.call_id, encoding="utf-8")
            time.sleep(self.delay_s)
            yield local.run(item)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--db", required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--webhook", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--marker", type=Path, required=True)
    parser.add_argument("--queue")
    parser.add_argument("--stream")
    parser.add_argument("--consumer", default="child")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    engine = make_engine(args.db)
    init_db(engine)
    stream = StreamSource(args.queue, args.stream, consumer=args.consumer) if args.queue else None
    watcher = Watcher(engine, args.inbox, sinks=[Sink("webhook", args.webhook, args.secret)], stream=stream,
                      executor=SlowTruthExecutor(args.corpus, args.delay, args.marker),
                      dashboard_url="https://d.example")
    return watcher.run(once=True)


if __name__ == "__main__":
    sys.exit(main())
