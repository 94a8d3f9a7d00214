"""URLconf of the review console, mounted at /console/ by tmverify/urls.py.

Read after console/admin.py has registered its pages on the console site (the admin's
autodiscovery imports it when the apps are ready).
"""

from .site import site

urlpatterns, app_name, _ = site.urls
