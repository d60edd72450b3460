"""Batches in flight: each lane applies its parts in the order read, the lanes do not wait for each
other, and offsets are committed batch by batch, only after every lane has applied the batch."""

import asyncio

from aiokafka import TopicPartition

from tillid.config import Settings
from tillid.streams.consumer import BatchConsumer
from tillid.streams.ingest import Prepared


class _Ingestor:
    """Applies a part when the test releases it; records the order of starts."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}

    def gate(self, name: str) -> asyncio.Event:
        return self.gates.setdefault(name, asyncio.Event())

    async def apply(self, prepared: Prepared) -> None:
        (name,) = prepared.envelopes
        self.started.append(name)
        await self.gate(name).wait()


class _Kafka:
    def __init__(self, assigned: set[TopicPartition]) -> None:
        self.assigned = assigned
        self.commits: list[dict[TopicPartition, int]] = []

    def assignment(self) -> set[TopicPartition]:
        return self.assigned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.commits.append(offsets)


EVEN, ODD = TopicPartition("hr.competences", 0), TopicPartition("hr.competences", 1)


async def _turns() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_a_lane_goes_on_with_the_next_batch_while_the_other_lane_still_applies_the_first():
    ingestor, kafka = _Ingestor(), _Kafka({EVEN, ODD})
    consumer = BatchConsumer(Settings(), ingestor)
    consumer.consumer = kafka
    consumer._start({0: Prepared(["1/even"], []), 1: Prepared(["1/odd"], [])}, {EVEN: 10, ODD: 20})
    consumer._start({0: Prepared(["2/even"], []), 1: Prepared(["2/odd"], [])}, {EVEN: 15, ODD: 25})
    await _turns()
    assert ingestor.started == ["1/even", "1/odd"]

    ingestor.gate("1/odd").set()
    await _turns()
    assert ingestor.started == ["1/even", "1/odd", "2/odd"]  # the odd lane did not wait for the even one
    assert kafka.commits == []  # batch 1 is not applied in the even lane yet

    ingestor.gate("2/odd").set()
    await _turns()
    assert kafka.commits == []  # batch 2 is applied in the odd lane only, and batch 1 is not committed

    ingestor.gate("1/even").set()
    await _turns()
    assert ingestor.started[-1] == "2/even"
    assert kafka.commits == [{EVEN: 10, ODD: 20}]

    ingestor.gate("2/even").set()
    await consumer._settle()
    assert kafka.commits == [{EVEN: 10, ODD: 20}, {EVEN: 15, ODD: 25}]


async def test_a_failed_part_stops_its_lane_and_no_later_offset_is_committed():
    class Failing(_Ingestor):
        async def apply(self, prepared: Prepared) -> None:
            (name,) = prepared.envelopes
            self.started.append(name)
            if name == "1/even":
                raise RuntimeError("a bug")

    ingestor, kafka = Failing(), _Kafka({EVEN, ODD})
    consumer = BatchConsumer(Settings(), ingestor)
    consumer.consumer = kafka
    consumer._start({0: Prepared(["1/even"], []), 1: Prepared(["1/odd"], [])}, {EVEN: 10, ODD: 20})
    consumer._start({0: Prepared(["2/even"], []), 1: Prepared(["2/odd"], [])}, {EVEN: 15, ODD: 25})
    try:
        await consumer._settle()
    except RuntimeError as error:
        assert str(error) == "a bug"
    else:
        raise AssertionError("the failure did not surface")
    await consumer._abandon()
    assert "2/even" not in ingestor.started
    assert kafka.commits == []
