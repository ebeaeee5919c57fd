"""Offline tools: training the check-worthiness model and measuring the extractor.

They may use scikit-learn (the ``train`` extra); nothing a worker runs imports this package.
"""
