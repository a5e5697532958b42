"""The transition log belongs to the workflow engine; re-exported here for the models' registry."""
from ..workflow.log import TransitionLog  # noqa: F401
