pytest_plugins = ["cordon.core.testing"]
