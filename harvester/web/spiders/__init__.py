"""Spiders of the web harvester, one module per spider (these modules import Scrapy).

- :mod:`~harvester.web.spiders.base`: what every spider shares (the crawl context,
  counted error handling, sitemap and robots.txt following);
- :mod:`~harvester.web.spiders.sitemap`: :class:`OERSitemapSpider`, any site with sitemaps;
- :mod:`~harvester.web.spiders.unesdoc`: :class:`UnesdocOpenDataSpider`, the OpenDataSoft
  export of UNESDOC's catalogue;
- :mod:`~harvester.web.spiders.iite`: :class:`IITELibrarySpider`, the UNESCO IITE library.
"""
