"""What both Python suites (Tests/EndToEnd and Tests/Deployment) share: a FastCGI client
(`fastcgi`), the totals of the committed fixtures (`fixtures`), polling instead of sleeping
(`waiting`) and the release binaries under test (`binaries`). The standard library and pytest
only (`fastcgi` also runs alone as a script); each suite's conftest.py puts Tests/ on sys.path.
"""
