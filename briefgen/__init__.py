"""briefgen: sourced fact base -> ready-to-circulate country briefs."""

__version__ = "0.1.0"
