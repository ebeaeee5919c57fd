import sqlite3
from datetime import timedelta

from kombu import Connection

from workers.broker import embedded_broker_path, prune_delivered_messages


def test_it_finds_the_sqlite_file_behind_an_embedded_broker_url():
    assert (
        embedded_broker_path("sqla+sqlite:////srv/var/broker.sqlite3") == "/srv/var/broker.sqlite3"
    )
    assert embedded_broker_path("redis://127.0.0.1:6379/0") is None


def test_it_deletes_delivered_messages_and_keeps_waiting_ones(tmp_path):
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    with Connection(url) as conn:
        queue = conn.SimpleQueue("pruning")
        for n in range(3):
            queue.put({"n": n})
        delivered = queue.get(timeout=5)
        delivered.ack()
        queue.close()
    db = sqlite3.connect(tmp_path / "broker.sqlite3")
    assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (3,)

    # Too recent to prune yet.
    assert prune_delivered_messages(url, older_than=timedelta(hours=1)) == 0
    assert prune_delivered_messages(url, older_than=timedelta(seconds=-1)) == 1
    assert db.execute("SELECT count(*) FROM kombu_message WHERE visible = 1").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (2,)


def test_pruning_a_broker_that_never_ran_does_nothing(tmp_path):
    assert (
        prune_delivered_messages(
            f"sqla+sqlite:///{tmp_path / 'new.sqlite3'}", older_than=timedelta(0)
        )
        == 0
    )
