"""The access matrix's world (users of every role, a target person per scenario), shared."""

from tests.platform.test_access_matrix import world  # noqa: F401
