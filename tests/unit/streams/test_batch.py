"""How the consumer turns fetched records into a batch: order, lanes and the offsets to commit."""

from types import SimpleNamespace

from aiokafka import TopicPartition

from tillid.streams.consumer import Batch

ORDER = ["p.org.structure", "p.hr.employees", "p.hr.competences", "p.ops.tasks"]


def _records(topic: str, partition: int, offsets: range) -> tuple[TopicPartition, list]:
    return TopicPartition(topic, partition), [
        SimpleNamespace(topic=topic, partition=partition, offset=o, key=b"org", value=b"{}") for o in offsets]


def test_partitions_come_in_topic_order_each_in_offset_order():
    fetched = dict([_records("p.hr.competences", 1, range(10, 13)), _records("p.ops.tasks", 0, range(5, 6)),
                    _records("p.hr.employees", 3, range(0, 2)), _records("p.hr.competences", 0, range(7, 9))])
    batch = Batch.from_records(fetched, ORDER)
    assert [(m.topic, m.partition, m.offset) for m in batch.messages] == [
        ("p.hr.employees", 3, 0), ("p.hr.employees", 3, 1),
        ("p.hr.competences", 0, 7), ("p.hr.competences", 0, 8),
        ("p.hr.competences", 1, 10), ("p.hr.competences", 1, 11), ("p.hr.competences", 1, 12),
        ("p.ops.tasks", 0, 5)]


def test_the_offsets_to_commit_are_the_next_of_every_partition_read():
    fetched = dict([_records("p.hr.competences", 1, range(10, 13)), _records("p.ops.tasks", 0, range(5, 6))])
    assert Batch.from_records(fetched, ORDER).offsets == {
        TopicPartition("p.hr.competences", 1): 13, TopicPartition("p.ops.tasks", 0): 6}


def test_lanes_split_by_partition_number_so_one_organisation_stays_in_one_lane():
    fetched = dict([_records("p.hr.employees", 2, range(0, 2)), _records("p.hr.competences", 2, range(0, 3)),
                    _records("p.ops.tasks", 3, range(0, 1)), _records("p.ops.tasks", 0, range(0, 1))])
    lanes = Batch.from_records(fetched, ORDER).lanes(2)
    assert {lane: [(m.topic, m.partition) for m in messages] for lane, messages in lanes.items()} == {
        0: [("p.hr.employees", 2)] * 2 + [("p.hr.competences", 2)] * 3 + [("p.ops.tasks", 0)],
        1: [("p.ops.tasks", 3)]}


def test_a_lane_with_nothing_in_it_is_left_out():
    fetched = dict([_records("p.hr.employees", 2, range(0, 2))])
    assert list(Batch.from_records(fetched, ORDER).lanes(2)) == [0]
