"""URLconf of the review console, mounted at /console/ by tmverify/urls.py.

Read after every app's admin module has registered its pages on the console site.
"""

from tmverify.console import site

urlpatterns, app_name, _ = site.urls
