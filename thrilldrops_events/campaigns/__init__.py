"""Campaign sets: match one event against thousands of campaign conditions, fast.

[CampaignSet][thrilldrops_events.CampaignSet] lives in `campaign_set`; the index, clauses, store,
explanations and JSON loading are private modules of this package.
"""

from thrilldrops_events.campaigns.campaign_set import Campaign, CampaignSet, Explanation

__all__ = ["Campaign", "CampaignSet", "Explanation"]
