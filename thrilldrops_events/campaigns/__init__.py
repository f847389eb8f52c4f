"""Campaign sets: match one event against thousands of campaigns, fast.

[CampaignSet][thrilldrops_events.CampaignSet] lives in `campaign_set`, the
[Campaign][thrilldrops_events.Campaign] record in `campaign`, and batches of changes in `changes`;
the index (atoms, operands, nodes, scope indexes), the writer's side, explanations, statistics and
JSON loading are private modules of this package.
"""

from thrilldrops_events.campaigns._explain import Explanation
from thrilldrops_events.campaigns._stats import Posting, SetStats
from thrilldrops_events.campaigns.campaign import Campaign
from thrilldrops_events.campaigns.campaign_set import CampaignSet
from thrilldrops_events.campaigns.changes import CampaignChange, ConfigDiff

__all__ = ["Campaign", "CampaignChange", "CampaignSet", "ConfigDiff", "Explanation", "Posting", "SetStats"]
