from participation.fixtures import *  # noqa: F403 (fixtures)
