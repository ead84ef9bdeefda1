"""The jupyter_server extension: the roadmap and progress routes behind the JupyterLab sidebar.

It never imports numpy or torch: the server answers the roadmap in milliseconds and stays
small in every user's server on a JupyterHub.
"""
