"""The web and API harvester: sitemaps, open-data exports and library sites, with Scrapy.

Only the modules under :mod:`harvester.web.spiders`, :mod:`harvester.web.pipelines` and
:mod:`harvester.web.crawl` import Scrapy, and they run in a child process of their own
(one per crawl). The rest of the program calls :func:`harvest_web_source`::

    runner ──> harvest_web_source (dispatch) ──> python -m harvester.web.crawl
                 relays progress, logs, report      CrawlerProcess(settings from our config)
                                                     spider ──> extract ─> licence ─> language
                                                            ─> validate ─> store (Store.save_page)

Records go to the same store as OAI-PMH records (raw bytes + normalised record), so the
index, search and export do not care how a record was harvested.
"""

from harvester.web.dispatch import WEB_KINDS, harvest_web_source

__all__ = ["WEB_KINDS", "harvest_web_source"]
