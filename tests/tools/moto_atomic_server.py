"""moto's server, with DynamoDB's item writes made atomic as they are on DynamoDB.

moto serves each request on its own thread, and its conditional `PutItem` reads the
stored item, checks the condition and stores the new item in separate steps: two
consumers racing on one tweet can both see it absent and both be told `Written`
(seen: `two_consumers_handling_the_same_batch_at_once_write_each_tweet_once` failed
once on a loaded machine). DynamoDB evaluates a condition and writes the item as one
step, and the consumer's exactly-once result relies on that, so the emulator the tests
run against must too: every write operation of moto's DynamoDB backend runs under one
lock. Nothing else of moto changes; reads take no lock (an item is replaced whole).

Usage: the same arguments as `moto_server` (tests/with-emulator.sh starts it).
"""

import functools
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.server import main

_WRITES = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)
_lock = threading.RLock()


def _atomic(method):
    @functools.wraps(method)
    def under_lock(*args, **kwargs):
        with _lock:
            return method(*args, **kwargs)

    return under_lock


for _name in _WRITES:
    setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))

if __name__ == "__main__":
    main(sys.argv[1:])
