"""The gathering half of Lokalarkiv: a Scrapy project plus Scrapy-free extraction functions."""
