"""The programme: interventions, their sites, waves and questionnaire versions, and the route
contexts that say who may reach them."""
