"""Satisfaction surveys: indicators and questionnaires, yearly plans, respondents with private
links, answers and scores, improvement plans, and the departmental scorecard (which reads complaint
handling, so surveys sits above complaints); imports core, organization, customers and complaints."""
