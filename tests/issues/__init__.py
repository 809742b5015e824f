"""One regression test per bug, in the manner of pySHACL's ``test/issues``: each module replays
one attack or failure that was reported (its docstring says which) against the real command or a
live server, so the bug cannot come back unnoticed."""
