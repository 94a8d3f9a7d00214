"""The scenario simulator (`manage.py simulate`): scenario files in the language of
SCENARIOS.md, run step by step through the same services as the pages, and generated
populations of filers."""
