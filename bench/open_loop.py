"""Open-loop load: submissions sent at a fixed rate, latency measured from when each was due.

wrk's clients are closed loops: a client that waits for a slow answer sends nothing meanwhile,
so the requests that would have queued behind it are never sent, and never measured
(coordinated omission). Here, as in wrk2, each of ``connections`` kept-alive connections has
its own timetable: request *i* of connection *k* is due at ``start + (i * connections + k) /
rate``. A request is sent when it is due, or as soon as the connection's previous answer is in
if that came later, and its latency counts from when it was due: the wait behind a slow answer
is part of it. The generator's own delay is measured too (how late a request was sent although
its connection was free), so that a busy load generator is not mistaken for a slow server.

The bodies are submit.lua's: new submissions, and a share of retries of ones already sent.
Acknowledged submission ids go to ``ack_dir`` in the files bench_submissions.check_acknowledged
reads.

Run alone: .venv/bin/python bench/open_loop.py URL TOKEN LINK RATE SECONDS ACK_DIR
"""

from __future__ import annotations

import asyncio
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ANSWERS = (
    '{"brs_1": 4, "brs_2": 2, "brs_3": 4, "brs_4": 2, "brs_5": 3, "brs_6": 2, "gse_1": 3, '
    '"gse_2": 3, "gse_3": 3, "gse_4": 2, "gse_5": 3, "gse_6": 3, "gse_7": 4, "gse_8": 3, '
    '"gse_9": 3, "gse_10": 3}'
)
PERCENTILES = (50, 90, 99, 99.9)


@dataclass
class Result:
    """Latencies (ms, from when each request was due) and what else the run saw."""

    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)
    send_lag: list[float] = field(default_factory=list)  # ms late with the connection free
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0

    def summary(self) -> dict:
        done = sorted(self.latencies)
        lag = sorted(self.send_lag)
        row = {
            "paced_rate": self.rate,
            "per_second": round(len(done) / self.seconds, 1),
            "requests": len(done),
            **{f"p{p:g}_ms": round(percentile(done, p), 2) for p in PERCENTILES},
            "max_ms": round(done[-1], 2) if done else None,
            "generator_lag_p99_ms": round(percentile(lag, 99), 2),
            "non_2xx": sum(n for s, n in self.statuses.items() if not 200 <= s < 300),
            "errors": self.errors,
        }
        row["histogram"] = histogram(done)
        return row


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of an ascending list (NaN for none)."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


BUCKETS_MS = (1, 2, 5, 10, 20, 30, 50, 100, 200, 500, 1000)


def histogram(ordered: list[float]) -> dict[str, int]:
    """How many requests took at most each bucket's ms (and more than the one before)."""
    counts: dict[str, int] = {}
    low = 0.0
    index = 0
    for high in (*BUCKETS_MS, math.inf):
        n = 0
        while index < len(ordered) and ordered[index] <= high:
            n += 1
            index += 1
        counts[f"{'>' if high == math.inf else '≤'}{low if high == math.inf else high:g}"] = n
        low = high
    return counts


class Bodies:
    """New submissions, and a ``retry_share`` of retries of bodies already sent."""

    def __init__(self, link: str, prefix: str, retry_share: float):
        self.link, self.prefix, self.retry_share = link, prefix, retry_share
        self.random = random.Random()  # seeded from the system: no two runs send the same
        self.sent: list[bytes] = []
        self.made = 0

    def next(self) -> bytes:
        if self.sent and self.random.random() < self.retry_share:
            return self.random.choice(self.sent)
        self.made += 1
        body = (
            f'{{"submission_id": "{uuid.uuid4()}", "link": "{self.link}", '
            f'"participant_code": "{self.prefix}{self.made}-{self.random.randrange(10**6)}", '
            f'"language": "nl", "answers": {ANSWERS}}}'
        ).encode()
        if len(self.sent) < 5000:
            self.sent.append(body)
        return body


async def _connection(
    number: int,
    host: str,
    port: int,
    token: str,
    bodies: Bodies,
    start: float,
    interval: float,
    offset: float,
    end: float,
    result: Result,
    acks: list[str],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    head = (
        f"POST /api/v1/responses HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    )
    clock = time.perf_counter
    due = start + offset
    try:
        while due < end:
            now = clock()
            if now < due:
                await asyncio.sleep(due - now)
                result.send_lag.append(1000 * (clock() - due))
            body = bodies.next()
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status, answer = await _read_response(reader)
            result.latencies.append(1000 * (clock() - due))
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status in (200, 201):
                marker = b'"submission_id":"'
                at = answer.find(marker)
                if at < 0:
                    marker = b'"submission_id": "'
                    at = answer.find(marker)
                if at >= 0:
                    sid = answer[at + len(marker) : at + len(marker) + 36].decode()
                    acks.append(f"{sid} {status}")
            due += interval
    except (OSError, asyncio.IncompleteReadError, ValueError):
        result.errors += 1
    finally:
        writer.close()


async def _read_response(reader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _run(url, token, link, rate, seconds, ack_dir, connections, prefix, retry_share):
    host, _, port = url.removeprefix("http://").rstrip("/").partition(":")
    result = Result(rate, seconds)
    interval = connections / rate
    start = time.perf_counter() + 0.2
    end = start + seconds
    acks: list[str] = []
    bodies = Bodies(link, prefix, retry_share)
    await asyncio.gather(
        *(
            _connection(
                k,
                host,
                int(port or 80),
                token,
                bodies,
                start,
                interval,
                k * interval / connections,
                end,
                result,
                acks,
            )
            for k in range(connections)
        )
    )
    if ack_dir is not None:
        Path(ack_dir, "acked-open-loop.txt").write_text("".join(f"{a}\n" for a in acks))
    return result


def paced(
    url: str,
    token: str,
    link: str,
    rate: float,
    seconds: float,
    ack_dir: Path | None = None,
    connections: int = 64,
    prefix: str = "O",
    retry_share: float = 0.1,
) -> dict:
    """Send submissions at ``rate`` per second for ``seconds``; the latency summary."""
    result = asyncio.run(
        _run(url, token, link, rate, seconds, ack_dir, connections, prefix, retry_share)
    )
    return result.summary()


def main() -> None:
    url, token, link, rate, seconds, ack_dir = sys.argv[1:7]
    print(paced(url, token, link, float(rate), float(seconds), Path(ack_dir)))


if __name__ == "__main__":
    main()
