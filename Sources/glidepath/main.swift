print("glidepath")
