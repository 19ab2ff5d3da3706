pytest_plugins = ["cordon.core.testing", "cordon.testing"]
