"""What both Python suites (Tests/EndToEnd and Tests/Deployment) share: a FastCGI client
(`fastcgi`), the totals of the committed fixtures (`fixtures`) and polling instead of sleeping
(`waiting`). Standard library only; each suite's conftest.py puts Tests/ on sys.path.
"""
