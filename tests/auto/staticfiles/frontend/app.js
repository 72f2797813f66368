console.log("resource app");
