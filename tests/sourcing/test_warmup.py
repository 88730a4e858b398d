"""`openpin serve` loads the search caches in the background before the first search."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from openpin.sourcing import vectors
from openpin.sourcing.warmup import start_warm_up
from tests.fixtures.app import ApiUser
from tests.fixtures.database import both_backends
from tests.sourcing.helpers import POOL, add_people, index_everything

pytestmark = both_backends


def test_warm_up_loads_every_embedded_profile(
    session_factory: sessionmaker[Session], alice: ApiUser
) -> None:
    add_people(session_factory, alice, POOL)
    index_everything(session_factory)
    vectors.clear_vector_caches()
    start_warm_up(session_factory).join(timeout=60)
    loaded = [cache.size for cache in vectors._caches.values()]
    assert loaded == [len(POOL)]
